"""API: full-text search over bulletins and campaigns (diacritics optional)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from nguon.content.models import Category, SearchEntry
from nguon.content.selectors import search as selectors
from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.units.models import AdministrativeUnit

router = Router(tags=["search"])


class SearchItemOut(Schema):
    kind: str
    id: int
    title: str
    snippet: str
    status: str
    language: str
    priority: str
    dated: datetime
    url: str | None

    @staticmethod
    def resolve_id(obj: SearchEntry) -> int:
        return obj.object_id

    @staticmethod
    def resolve_url(obj: SearchEntry) -> str | None:
        return selectors.url_of(obj)


class SearchOut(Schema):
    count: int
    is_count_exact: bool
    items: list[SearchItemOut]


def unit_path_of(value: str | None) -> str | None:
    """A unit filter given as a tree path ("19/05569/") or as the code of a current unit ("05569")."""
    value = (value or "").strip()
    if not value:
        return None
    if "/" in value:
        return value if value.endswith("/") else value + "/"
    unit = AdministrativeUnit.objects.filter(code=value, is_current=True).first()
    if unit is None:
        raise ValidationError({"unit": f"Không có đơn vị hiện hành mã {value}."})
    return unit.path


def category_id_of(value: str | None) -> int | None:
    """A category filter given as its id or its code ("chinh-sach-phap-luat")."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    found = Category.objects.filter(code=value).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError({"category": f"Không có lĩnh vực mã {value}."})
    return found


class SearchFilters(Schema):
    q: str = ""
    kind: str | None = None
    category: str | None = Field(None, description="id or code of a category")
    unit: str | None = Field(None, description="code of a current unit (05569) or its path (19/05569/)")
    status: str | None = None
    language: str | None = None
    priority: str | None = None
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    limit: int = Field(20, ge=1, le=selectors.MAX_LIMIT)
    offset: int = Field(0, ge=0)


@router.get(
    "/search",
    response={200: SearchOut, 404: ErrorOut, 422: ErrorOut},
    summary="Full-text search of bulletins and campaigns (diacritics optional; every word must match)",
)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    if not access.has_action(request.user, access.CONTENT_VIEW):
        raise Http404
    results = selectors.search(
        request.user,
        filters.q,
        kind=filters.kind or None,
        category_id=category_id_of(filters.category),
        unit_path=unit_path_of(filters.unit),
        status=filters.status or None,
        language=filters.language or None,
        priority=filters.priority or None,
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {"count": results.count, "is_count_exact": results.is_count_exact, "items": results.items}
