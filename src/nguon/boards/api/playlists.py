"""API of playlists: ``/api/v1/boards/playlists`` — list (per commune), create, read, change, each with
its entries in order. ``entries`` on create or change replaces the whole list (items of the playlist's
commune, each with an optional duration of its own); leave it out to keep the entries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from nguon.boards.models import BoardItem, Playlist, PlaylistEntry
from nguon.boards.services import playlists as playlist_services
from nguon.boards.views.playlists import addable_items, get_playlist, scoped_playlists
from nguon.core.schemas import ErrorOut

from .items import commune

router = Router()


class EntryIn(Schema):
    item_id: int
    duration_seconds: int | None = Field(None, description="Empty: the item's own duration.")


class EntryOut(Schema):
    id: int
    position: int
    item_id: int
    item_title: str
    item_kind: str
    duration_seconds: int | None
    effective_seconds: int


class PlaylistIn(Schema):
    name: str
    description: str = ""
    is_default: bool = False
    entries: list[EntryIn] | None = Field(None, description="Replaces every entry when given.")


class PlaylistCreateIn(PlaylistIn):
    unit_code: str = Field(description="Official code of the commune.")


class PlaylistOut(Schema):
    id: int
    unit_code: str
    name: str
    description: str
    is_default: bool
    entries: list[EntryOut]


class PlaylistQuery(Schema):
    unit: str | None = Field(None, description="Official code of a commune.")


def _entry(entry: PlaylistEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "position": entry.position,
        "item_id": entry.item_id,
        "item_title": entry.item.title,
        "item_kind": entry.item.kind,
        "duration_seconds": entry.duration_seconds,
        "effective_seconds": entry.duration_seconds or entry.item.duration_seconds,
    }


def playlist_out(playlist: Playlist) -> dict[str, Any]:
    return {
        "id": playlist.pk,
        "unit_code": playlist.unit.code,
        "name": playlist.name,
        "description": playlist.description,
        "is_default": playlist.is_default,
        "entries": [_entry(e) for e in playlist.entries.select_related("item").order_by("position")],
    }


def _entries(playlist: Playlist, entries: list[EntryIn]) -> list[tuple[BoardItem, int | None]]:
    items = {i.pk: i for i in addable_items(playlist).filter(pk__in=[e.item_id for e in entries])}
    missing = [e.item_id for e in entries if e.item_id not in items]
    if missing:
        raise ValidationError(
            {"entries": f"Mục {', '.join(map(str, missing))} không có, đã lưu trữ hoặc thuộc địa bàn khác."}
        )
    return [(items[e.item_id], e.duration_seconds) for e in entries]


@router.get("/playlists", response={200: list[PlaylistOut], 404: ErrorOut}, summary="Playlists")
def list_playlists(request: HttpRequest, filters: Query[PlaylistQuery]) -> Any:
    playlists = scoped_playlists(request.user)
    if filters.unit:
        playlists = playlists.filter(unit=commune(request, filters.unit))
    return [playlist_out(p) for p in playlists.prefetch_related("entries__item")[:300]]


@router.post(
    "/playlists", response={201: PlaylistOut, 404: ErrorOut, 422: ErrorOut}, summary="Create a playlist"
)
def create_playlist(request: HttpRequest, payload: PlaylistCreateIn) -> Any:
    unit = commune(request, payload.unit_code)
    saved = playlist_services.create_playlist(
        actor=request.user,
        unit=unit,
        name=payload.name,
        description=payload.description,
        is_default=payload.is_default,
        entries=_entries(Playlist(unit=unit), payload.entries or []),
    )
    return Status(201, playlist_out(get_playlist(request.user, saved.pk)))


@router.get("/playlists/{playlist_id}", response={200: PlaylistOut, 404: ErrorOut}, summary="One playlist")
def playlist_detail(request: HttpRequest, playlist_id: int) -> Any:
    return playlist_out(get_playlist(request.user, playlist_id))


@router.put(
    "/playlists/{playlist_id}",
    response={200: PlaylistOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a playlist; entries, when given, replace the list",
)
def update_playlist(request: HttpRequest, playlist_id: int, payload: PlaylistIn) -> Any:
    playlist = get_playlist(request.user, playlist_id)
    entries = _entries(playlist, payload.entries) if payload.entries is not None else None
    playlist_services.update_playlist(
        actor=request.user,
        playlist=playlist,
        name=payload.name,
        description=payload.description,
        is_default=payload.is_default,
        entries=entries,
    )
    return playlist_out(get_playlist(request.user, playlist_id))
