"""API of board items: ``/api/v1/boards/items`` — list (per commune), create, read, change. Items made
here are text, bulletin and clock items; images and videos are uploaded on the item screen (the media
checks answer there). Errors use the project's JSON shape; an item the caller may not manage is a 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from nguon.boards.models import BoardItem
from nguon.boards.selectors.bulletins import showable_bulletins
from nguon.boards.services import items as item_services
from nguon.boards.views.common import managed_communes
from nguon.boards.views.items import get_item, scoped_items
from nguon.content.models import Bulletin
from nguon.core.schemas import ErrorOut
from nguon.units.models import AdministrativeUnit

router = Router()


class ItemIn(Schema):
    kind: str = Field(description="bulletin, text, image, video or clock")
    title: str
    body: str = ""
    bulletin_id: int | None = None
    layout: str = "full"
    theme: str = "dark"
    ticker: str = ""
    side_title: str = ""
    side_body: str = ""
    duration_seconds: int = 15
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class ItemCreateIn(ItemIn):
    unit_code: str = Field(description="Official code of the commune.")


class MediaOut(Schema):
    sha256: str
    mime_type: str
    size: int


class ItemOut(Schema):
    id: int
    unit_code: str
    kind: str
    title: str
    body: str
    bulletin_id: int | None
    media: MediaOut | None
    layout: str
    theme: str
    ticker: str
    side_title: str
    side_body: str
    duration_seconds: int
    valid_from: datetime | None
    valid_until: datetime | None
    archived: bool


class ItemQuery(Schema):
    unit: str | None = Field(None, description="Official code of a commune.")
    archived: bool = False


def item_out(item: BoardItem) -> dict[str, Any]:
    media = item.media
    return {
        "id": item.pk,
        "unit_code": item.unit.code,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "bulletin_id": item.bulletin_id,
        "media": {"sha256": media.sha256, "mime_type": media.mime_type, "size": media.size}
        if media
        else None,
        "layout": item.layout,
        "theme": item.theme,
        "ticker": item.ticker,
        "side_title": item.side_title,
        "side_body": item.side_body,
        "duration_seconds": item.duration_seconds,
        "valid_from": item.valid_from,
        "valid_until": item.valid_until,
        "archived": item.archived_at is not None,
    }


def commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    """A commune the caller manages boards in, by official code; else 404."""
    found = next((u for u in managed_communes(request.user) if u.code == code), None)
    if found is None:
        raise Http404
    return found


def _bulletin(unit: AdministrativeUnit, bulletin_id: int | None) -> Bulletin | None:
    if bulletin_id is None:
        return None
    bulletin = showable_bulletins(unit).filter(pk=bulletin_id).first()
    if bulletin is None:
        raise ValidationError({"bulletin": "Bản tin không tồn tại hoặc chưa được duyệt cho xã/phường này."})
    return bulletin


def _values(payload: ItemIn, unit: AdministrativeUnit) -> dict[str, Any]:
    data = payload.model_dump(exclude={"unit_code", "bulletin_id"})
    data["bulletin"] = _bulletin(unit, payload.bulletin_id)
    return data


@router.get("/items", response={200: list[ItemOut], 404: ErrorOut}, summary="Board items")
def list_items(request: HttpRequest, filters: Query[ItemQuery]) -> Any:
    items = scoped_items(request.user)
    if filters.unit:
        items = items.filter(unit=commune(request, filters.unit))
    if not filters.archived:
        items = items.filter(archived_at__isnull=True)
    return [item_out(i) for i in items[:500]]


@router.post(
    "/items",
    response={201: ItemOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a text, bulletin or clock item (images and videos: upload on the item screen)",
)
def create_item(request: HttpRequest, payload: ItemCreateIn) -> Any:
    unit = commune(request, payload.unit_code)
    saved = item_services.create_item(actor=request.user, unit=unit, upload=None, **_values(payload, unit))
    return Status(201, item_out(get_item(request.user, saved.pk)))


@router.get("/items/{item_id}", response={200: ItemOut, 404: ErrorOut}, summary="One board item")
def item_detail(request: HttpRequest, item_id: int) -> Any:
    return item_out(get_item(request.user, item_id))


@router.put(
    "/items/{item_id}",
    response={200: ItemOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a board item (its media, if any, is kept)",
)
def update_item(request: HttpRequest, item_id: int, payload: ItemIn) -> Any:
    item = get_item(request.user, item_id)
    item_services.update_item(actor=request.user, item=item, upload=None, **_values(payload, item.unit))
    return item_out(get_item(request.user, item_id))
