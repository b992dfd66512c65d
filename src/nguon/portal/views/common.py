"""What every portal page shares: the section's interface text, the language links, the feed links, the
emergency banner, rendering in the section's language and the caching headers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from nguon.content.models import Bulletin
from nguon.portal import caching, chrome
from nguon.portal.emergencies import PublicAlert, active_alerts
from nguon.portal.selectors import (
    ETHNIC_SECTIONS,
    FOREIGN_SECTIONS,
    PublicItem,
    languages_with_public_items,
    public_items,
)
from nguon.units.models import AdministrativeUnit
from nguon.units.selectors import list_communes

PER_PAGE = 20
SECTIONS = ("vi", *FOREIGN_SECTIONS, *ETHNIC_SECTIONS)


def check_section(lang: str) -> str:
    """``lang`` if it names a section (Vietnamese, a foreign or an ethnic language); 404 otherwise."""
    if lang not in SECTIONS:
        raise Http404
    return lang


def section_url(lang: str) -> str:
    return reverse("portal:home") if lang == "vi" else reverse("portal:section", kwargs={"lang": lang})


def item_url(bulletin_id: int, lang: str) -> str:
    if lang == "vi":
        return reverse("portal:item", kwargs={"pk": bulletin_id})
    return reverse("portal:item-lang", kwargs={"lang": lang, "pk": bulletin_id})


def _hreflang(code: str) -> str:
    """The ``hreflang`` of a section's pages and feeds: the language of its bulletins ("" when it has no
    BCP 47 code: an ``und`` there would say nothing)."""
    if code not in ETHNIC_SECTIONS:
        return chrome.HTML_LANG[code]
    tag = chrome.content_lang(code)
    return "" if tag == chrome.UNDETERMINED else tag


def section_links(current: str) -> list[dict[str, str]]:
    """The language links: Vietnamese and the foreign sections always, an ethnic section only while it
    holds a public bulletin (and the section being read)."""
    filled = languages_with_public_items()
    return [
        {
            "code": code,
            "name": chrome.SECTION_NAMES[code],
            "name_lang": chrome.name_lang(code),
            "url": section_url(code),
            "html_lang": chrome.HTML_LANG[code],
            "hreflang": _hreflang(code),
            "is_ethnic": "1" if code in ETHNIC_SECTIONS else "",
            "is_filled": "1" if code in filled else "",
        }
        for code in SECTIONS
        if code not in ETHNIC_SECTIONS or code in filled or code == current
    ]


def feed_links(lang: str, query: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The section's feeds (``feeds:rss`` / ``feeds:atom`` / ``feeds:json``), filtered like the page."""
    suffix = f"?{urlencode(query)}" if query else ""
    return [
        {"type": kind, "title": title, "href": reverse(name, kwargs={"lang": lang}) + suffix}
        for name, kind, title in (
            ("feeds:rss", "application/rss+xml", "RSS 2.0"),
            ("feeds:atom", "application/atom+xml", "Atom 1.0"),
            ("feeds:json", "application/feed+json", "JSON Feed 1.1"),
        )
    ]


def province_communes() -> QuerySet[AdministrativeUnit]:
    """The installation's current communes and wards (the commune picker and the commune pages)."""
    return list_communes(province_code=settings.NGUON_PROVINCE_CODE).order_by("name", "code")


def paginate(request: HttpRequest, rows: QuerySet[Bulletin], lang: str) -> tuple[Page[Any], list[PublicItem]]:
    """One page of ``rows`` and its public items in ``lang``."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return page, public_items(page.object_list, language=lang)


def page_query(request: HttpRequest) -> str:
    """The request's query string without ``page`` (for the pager's links)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    lang: str,
    alerts: list[PublicAlert] | None = None,
    feeds: list[dict[str, str]] | None = None,
    changed: Iterable[datetime | None] = (),
) -> HttpResponse:
    """Render a portal page in the section ``lang``, with the shared context and the caching headers."""
    if alerts is None:
        alerts = active_alerts(now=timezone.now())
    sections = section_links(lang)
    shared = {
        "t": chrome.strings(lang),
        "lang": lang,
        "html_lang": chrome.HTML_LANG[lang],
        "sections": sections,
        # the footer's list: the ethnic sections holding a public bulletin now
        "ethnic_links": [s for s in sections if s["is_ethnic"] and s["is_filled"]],
        "section_name": chrome.SECTION_NAMES[lang],
        "hreflang": _hreflang(lang),
        "is_ethnic": lang in ETHNIC_SECTIONS,
        "home_url": section_url(lang),
        "feeds": feeds if feeds is not None else feed_links(lang),
        "alerts": alerts,
    }
    with translation.override("en" if lang == "en" else "vi"):
        response = render(request, template, shared | context)
    content_lang = chrome.content_lang(lang)
    response["Content-Language"] = (
        f"{chrome.HTML_LANG[lang]}, {content_lang}"
        if lang in ETHNIC_SECTIONS and content_lang != chrome.UNDETERMINED
        else chrome.HTML_LANG[lang]
    )
    moments = [*changed, caching.data_changed_at(), *(a.changed_at for a in alerts)]
    return caching.cacheable(request, response, changed=moments)
