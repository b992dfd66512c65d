"""The public read API for mobile apps and partners, under /api/public/v1/: no login, read only.

Same error shape as the staff API (``{"error": {"code", "message", "details"}}``), ETags on every list
and item, cursor-free page numbers with a bounded page size. What the public may read is
:mod:`nguon.portal.selectors`; validators and caching are :mod:`nguon.feeds.freshness`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Schema
from ninja.renderers import JSONRenderer
from ninja.responses import codes_4xx

from nguon import __version__
from nguon.content.models import Bulletin, Category
from nguon.core.api_errors import install_error_handlers
from nguon.core.schemas import ErrorOut
from nguon.feeds import freshness, links
from nguon.feeds.documents import clean, safe_body
from nguon.feeds.sections import SectionError, check_language, resolve_section
from nguon.feeds.selectors import get_withdrawn_public
from nguon.portal.selectors import PublicItem, get_public_item, public_items
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation
from nguon.units.selectors import list_communes

MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
#: The largest id PostgreSQL's bigint holds (larger ids are refused as malformed, not looked up).
MAX_ID = 2**63 - 1


class SafeJSONRenderer(JSONRenderer):
    """JSON with ``<``, ``>`` and ``&`` escaped: text from bulletins never shows up as markup in the bytes."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        text = str(super().render(request, data, response_status=response_status))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


public_api = NinjaAPI(
    title="Nguồn — API công khai",
    version="1",
    description=f"API đọc công khai của hệ thống thông tin nguồn (Nguồn {__version__}).",
    urls_namespace="public-api-v1",
    auth=None,
    docs_url="/docs",
    renderer=SafeJSONRenderer(),
)


# -- errors: the staff API's shape and behaviour (src/nguon/api.py), on this instance -----------------------


error_response = install_error_handlers(public_api)


@public_api.exception_handler(SectionError)
def _section_error(request: HttpRequest, exc: SectionError) -> HttpResponse:
    code = "not_found" if exc.status == 404 else "invalid"
    return error_response(
        request, exc.status, code, exc.message, [{"field": exc.field, "message": exc.message}]
    )


# -- schemas ---------------------------------------------------------------------------------------------------


class CategoryRef(Schema):
    code: str
    name: str


class UnitRef(Schema):
    code: str
    name: str


class BulletinSummaryOut(Schema):
    """A public bulletin in one language, without its body."""

    id: int
    uri: str  # the stable tag: URI (same as the feeds' guid and ninjs uri)
    url: str  # the portal page
    language: str
    title: str
    summary: str
    category: CategoryRef
    unit: UnitRef
    source_level: str
    priority: str
    revision: int
    published_at: datetime
    updated_at: datetime
    is_translation: bool
    original_language: str


class BulletinOut(BulletinSummaryOut):
    body_html: str
    body_text: str


class BulletinPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    items: list[BulletinSummaryOut]


class CategoryOut(Schema):
    code: str
    name: str
    group: int
    description: str


class CommuneOut(Schema):
    code: str
    name: str
    full_name: str
    kind: str


class BulletinFilters(Schema):
    page: int = Query(1, ge=1, le=MAX_PAGE)  # type: ignore[type-arg]
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE)  # type: ignore[type-arg]
    language: str = Query("vi", min_length=2, max_length=16)  # type: ignore[type-arg]
    category: str | None = Query(None, max_length=64)  # type: ignore[type-arg]
    unit: str | None = Query(None, max_length=64)  # type: ignore[type-arg]
    since: datetime | None = Query(None)  # type: ignore[type-arg]


def _summary(item: PublicItem) -> dict[str, Any]:
    return {
        "id": item.bulletin_id,
        "uri": links.bulletin_tag(item.bulletin_id, item.language),
        "url": links.item_url(item.bulletin_id, item.language),
        "language": item.language,
        "title": clean(item.title),
        "summary": clean(item.summary),
        "category": {"code": item.category.code, "name": item.category.name},
        "unit": {"code": item.unit.code, "name": item.unit.full_name},
        "source_level": item.source_level,
        "priority": item.priority,
        "revision": item.revision,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
        "is_translation": item.is_translation,
        "original_language": item.original_language,
    }


def _json(
    request: HttpRequest, schema: Schema | list[Schema], etag: str, last: datetime | None
) -> HttpResponse:
    data = (
        [s.model_dump(mode="json") for s in schema]
        if isinstance(schema, list)
        else schema.model_dump(mode="json")
    )
    return freshness.finish(public_api.create_response(request, data, status=200), etag, last)


def _since(bulletins: QuerySet[Bulletin], since: datetime, language: str) -> QuerySet[Bulletin]:
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    translated = Translation.objects.filter(
        bulletin=OuterRef("pk"), language=language, status=TranslationStatus.PUBLISHED, published_at__gt=since
    )
    return bulletins.filter(Q(distributed_at__gt=since) | Exists(translated))


def _page_url(request: HttpRequest, page: int) -> str:
    query: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
    query["page"] = str(page)
    return links.absolute(request.path, query)


# -- endpoints -------------------------------------------------------------------------------------------------


@public_api.get(
    "/bulletins",
    response={200: BulletinPageOut, 304: None, codes_4xx: ErrorOut},
    summary="Tin công khai của một chuyên mục ngôn ngữ, mới nhất trước",
)
def list_bulletins(request: HttpRequest, filters: Query[BulletinFilters]) -> HttpResponse:
    """Page ``page`` (``page_size`` ≤ 100) of the public bulletins in ``language``, optionally of one
    ``category``, written under one ``unit`` (official code) and changed after ``since`` (ISO 8601)."""
    section = resolve_section(filters.language, category=filters.category, unit=filters.unit)
    stamp = freshness.public_stamp()  # before the bulletins: a change committing in between is refetched
    etag = freshness.make_etag(
        "api-bulletins", section.language, sorted(section.query.items()), filters.since, filters.page,
        filters.page_size, stamp.key,
    )  # fmt: skip
    cached = freshness.not_modified(request, etag, stamp.last_modified)
    if cached is not None:
        return cached  # without building the section's queryset (half the cost of a 304 otherwise)
    bulletins = section.bulletins()
    if filters.since is not None:
        bulletins = _since(bulletins, filters.since, section.language)
    count = bulletins.count()
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    rows = bulletins[start : start + filters.page_size] if start < count else []
    page = BulletinPageOut(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        pages=pages,
        next=_page_url(request, filters.page + 1) if filters.page < pages else None,
        previous=_page_url(request, filters.page - 1) if 1 < filters.page <= pages else None,
        items=[BulletinSummaryOut(**_summary(i)) for i in public_items(rows, language=section.language)],
    )
    return _json(request, page, etag, stamp.last_modified)


@public_api.get(
    "/bulletins/{bulletin_id}",
    response={200: BulletinOut, 304: None, codes_4xx: ErrorOut},
    summary="Một tin công khai (bản dịch khi có bản dịch còn hiệu lực)",
)
def get_bulletin(
    request: HttpRequest,
    bulletin_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
    language: str = Query("vi", min_length=2, max_length=16),  # type: ignore[type-arg]
) -> HttpResponse:
    """A public bulletin in ``language`` (its original when it has no up-to-date translation); 410 once
    withdrawn, 404 when it never was public."""
    check_language(language)
    try:
        item = get_public_item(bulletin_id, language=language)
    except Http404:
        if get_withdrawn_public(bulletin_id) is not None:
            return error_response(request, 410, "withdrawn", "Tin này đã bị thu hồi.")
        return error_response(request, 404, "not_found", "Không có tin này.")
    etag = freshness.make_etag("api-bulletin", bulletin_id, item.language, item.revision, item.updated_at)
    cached = freshness.not_modified(request, etag, item.updated_at)
    if cached is not None:
        return cached
    out = BulletinOut(**_summary(item), body_html=safe_body(item), body_text=clean(item.body_text))
    return _json(request, out, etag, item.updated_at)


def _content_etag(kind: str, rows: list[Schema]) -> str:
    digest = hashlib.sha256(repr([r.model_dump() for r in rows]).encode()).hexdigest()
    return freshness.make_etag(kind, digest)


@public_api.get(
    "/categories", response={200: list[CategoryOut], 304: None}, summary="Lĩnh vực thông tin thiết yếu"
)
def list_categories(request: HttpRequest) -> HttpResponse:
    """The active categories (NĐ 49/2024 Art. 6). The list is small: its ETag hashes its content."""
    rows: list[Schema] = [
        CategoryOut(code=c.code, name=c.name, group=c.group, description=c.description)
        for c in Category.objects.filter(is_active=True)
    ]
    etag = _content_etag("api-categories", rows)
    cached = freshness.not_modified(request, etag, None)
    return cached if cached is not None else _json(request, rows, etag, None)


@public_api.get("/communes", response={200: list[CommuneOut], 304: None}, summary="Xã, phường của tỉnh")
def list_public_communes(request: HttpRequest) -> HttpResponse:
    """The current communes and wards of the province, by code (the ``unit`` filter takes these codes)."""
    rows: list[Schema] = [
        CommuneOut(code=u.code, name=u.name, full_name=u.full_name, kind=u.kind)
        for u in list_communes(province_code=settings.NGUON_PROVINCE_CODE)
    ]
    etag = _content_etag("api-communes", rows)
    cached = freshness.not_modified(request, etag, None)
    return cached if cached is not None else _json(request, rows, etag, None)
