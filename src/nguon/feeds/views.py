"""Feed views: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of a language section, and IPTC ninjs.

Every view answers ``If-None-Match`` / ``If-Modified-Since`` with 304 before reading any bulletin text
(see :mod:`nguon.feeds.freshness`), and caches publicly for 60 seconds. Unknown languages, categories and
units are 404 with a plain-text message; malformed codes are 400.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from nguon.feeds import documents, freshness, links, ninjs
from nguon.feeds.sections import Section, SectionError, check_language, resolve_section
from nguon.feeds.selectors import get_withdrawn_public
from nguon.portal.selectors import PublicItem, get_public_item, public_items
from nguon.translations.choices import TranslationStatus

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "ninjs": "application/json; charset=utf-8",
}
_FILTERS = ("category", "unit")


def chrome_language(language: str) -> str:
    """The language of a document's own words (feed title, publisher): English for the ``en`` section,
    Vietnamese otherwise — never the reader's UI language, so one ETag always means the same bytes."""
    return "en" if language == "en" else "vi"


def _refuse(error: SectionError) -> HttpResponse:
    return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")


def _section(request: HttpRequest, lang: str) -> Section:
    for name in _FILTERS:
        if len(request.GET.getlist(name)) > 1:
            raise SectionError(400, name, f"Chỉ được lọc theo một '{name}'.")
    return resolve_section(
        lang, category=request.GET.get("category") or None, unit=request.GET.get("unit") or None
    )


def _serve(
    request: HttpRequest,
    lang: str,
    kind: str,
    route: str,
    render: Callable[[Section, str, datetime | None], bytes],
) -> HttpResponse:
    try:
        section = _section(request, lang)
    except SectionError as error:
        return _refuse(error)
    stamp = freshness.public_stamp()
    etag = freshness.make_etag(kind, section.language, sorted(section.query.items()), stamp.key)
    cached = freshness.not_modified(request, etag, stamp.last_modified)
    if cached is not None:
        return cached
    feed_url = links.absolute(reverse(route, kwargs={"lang": section.language}), section.query)
    with translation.override(chrome_language(section.language)):
        body = render(section, feed_url, stamp.last_modified)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    return freshness.finish(response, etag, stamp.last_modified)


def _info(section: Section, feed_url: str, updated: datetime | None) -> documents.FeedInfo:
    return documents.FeedInfo(
        title=documents.feed_title(
            section.language,
            section.category.name if section.category else None,
            section.unit.full_name if section.unit else None,
        ),
        description="Tin thiết yếu do chính quyền các cấp cung cấp (Nghị định 49/2024/NĐ-CP).",
        language=section.language,
        home_url=links.section_url(section.language),
        feed_url=feed_url,
        updated=updated,
    )


def _feed(
    render: Callable[[documents.FeedInfo, Sequence[PublicItem]], bytes],
) -> Callable[[Section, str, datetime | None], bytes]:
    def build(section: Section, feed_url: str, updated: datetime | None) -> bytes:
        items = public_items(section.bulletins()[: documents.FEED_SIZE], language=section.language)
        return render(_info(section, feed_url, updated), items)

    return build


@require_safe
def rss(request: HttpRequest, lang: str) -> HttpResponse:
    return _serve(request, lang, "rss", "feeds:rss", _feed(documents.rss))


@require_safe
def atom(request: HttpRequest, lang: str) -> HttpResponse:
    return _serve(request, lang, "atom", "feeds:atom", _feed(documents.atom))


@require_safe
def json_feed(request: HttpRequest, lang: str) -> HttpResponse:
    return _serve(request, lang, "json", "feeds:json", _feed(documents.json_feed))


def _ninjs_list(section: Section, feed_url: str, updated: datetime | None) -> bytes:
    items = public_items(section.bulletins()[: documents.FEED_SIZE], language=section.language)
    return documents.dump_json({"uri": feed_url, "items": [ninjs.item(i) for i in items]})


@require_safe
def ninjs_list(request: HttpRequest, lang: str) -> HttpResponse:
    """The newest 50 public bulletins of a section as ``{"uri": ..., "items": [ninjs, ...]}``."""
    return _serve(request, lang, "ninjs", "feeds:ninjs-list", _ninjs_list)


@require_safe
def ninjs_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One bulletin as ninjs (``?lang=`` for a translation); a withdrawn one answers ``pubstatus: canceled``."""
    try:
        language = check_language(request.GET.get("lang") or "vi")
    except SectionError as error:
        return _refuse(error)
    try:
        public = get_public_item(pk, language=language)
    except Http404:
        withdrawn = get_withdrawn_public(pk)
        if withdrawn is None:
            return HttpResponse("Không có tin này.", status=404, content_type="text/plain; charset=utf-8")
        translated = withdrawn.translations.filter(language=language, status=TranslationStatus.PUBLISHED)
        served = language if language != withdrawn.language and translated.exists() else withdrawn.language
        etag = freshness.make_etag("ninjs-item", pk, served, "canceled", withdrawn.withdrawn_at)
        cached = freshness.not_modified(request, etag, withdrawn.withdrawn_at)
        if cached is not None:
            return cached
        with translation.override(chrome_language(served)):
            body = documents.dump_json(ninjs.canceled(withdrawn, language=served))
        response = HttpResponse(body, content_type=CONTENT_TYPES["ninjs"])
        return freshness.finish(response, etag, withdrawn.withdrawn_at)
    etag = freshness.make_etag("ninjs-item", pk, public.language, public.revision, public.updated_at)
    cached = freshness.not_modified(request, etag, public.updated_at)
    if cached is not None:
        return cached
    with translation.override(chrome_language(public.language)):
        body = documents.dump_json(ninjs.item(public))
    response = HttpResponse(body, content_type=CONTENT_TYPES["ninjs"])
    return freshness.finish(response, etag, public.updated_at)
