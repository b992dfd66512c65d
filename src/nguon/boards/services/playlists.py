"""Playlists: ordered loops of items; a unit's default playlist fills the time no schedule covers.

An entry may use an item of the playlist's own unit or of a unit above it (a provincial announcement in a
commune's loop), never an item of another commune. One default playlist per unit: marking one default
unmarks the previous one in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.boards.models import BoardItem, Playlist, PlaylistEntry
from nguon.boards.services.compilation import request_compile
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.units.models import AdministrativeUnit

FIELDS = ("unit", "name", "description", "is_default")
MAX_ENTRIES = 200


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _clean(name: str, description: str) -> tuple[str, str]:
    clean_name, clean_description = nfc(name or ""), nfc(description or "")
    errors = {}
    if not clean_name:
        errors["name"] = "Nhập tên danh sách."
    elif len(clean_name) > 200:
        errors["name"] = "Tên dài quá 200 ký tự."
    if len(clean_description) > 500:
        errors["description"] = "Mô tả dài quá 500 ký tự."
    if errors:
        raise ValidationError(errors)
    return clean_name, clean_description


def _entries_snapshot(playlist: Playlist) -> list[list[int | None]]:
    return [
        [e.item_id, e.duration_seconds]
        for e in PlaylistEntry.objects.filter(playlist=playlist).order_by("position")
    ]


def _unset_other_default(playlist: Playlist) -> None:
    Playlist.objects.filter(unit=playlist.unit, is_default=True).exclude(pk=playlist.pk).update(
        is_default=False
    )


def create_playlist(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str,
    description: str = "",
    is_default: bool = False,
    entries: Sequence[tuple[BoardItem, int | None]] | None = None,
) -> Playlist:
    """A new playlist of ``unit`` (with ``entries``, if given: item and duration override, in order)."""
    access.require(actor, access.BOARDS_MANAGE, unit=unit)
    clean_name, clean_description = _clean(name, description)
    with transaction.atomic():
        playlist = Playlist(
            unit=unit, name=clean_name, description=clean_description, created_by=_user(actor)
        )
        if is_default:
            _unset_other_default(playlist)
        playlist.is_default = is_default
        playlist.save()
        audit.record(
            actor=actor,
            action="boards.playlist.create",
            target=playlist,
            unit=unit,
            after=audit.snapshot(playlist, FIELDS),
        )
        if entries:
            set_entries(actor=actor, playlist=playlist, entries=entries)
        request_compile(unit)
    return playlist


def update_playlist(
    *,
    actor: Any,
    playlist: Playlist,
    name: str | None = None,
    description: str | None = None,
    is_default: bool | None = None,
    entries: Sequence[tuple[BoardItem, int | None]] | None = None,
) -> Playlist:
    """Rename, describe, mark or unmark as the unit's default; ``entries``, when given, replace the list."""
    access.require(actor, access.BOARDS_MANAGE, unit=playlist.unit)
    clean_name, clean_description = _clean(
        playlist.name if name is None else name,
        playlist.description if description is None else description,
    )
    before = audit.snapshot(playlist, FIELDS)
    with transaction.atomic():
        if is_default:
            _unset_other_default(playlist)
        playlist.name, playlist.description = clean_name, clean_description
        if is_default is not None:
            playlist.is_default = is_default
        playlist.save()
        audit.record(
            actor=actor,
            action="boards.playlist.update",
            target=playlist,
            unit=playlist.unit,
            before=before,
            after=audit.snapshot(playlist, FIELDS),
        )
        if entries is not None:
            set_entries(actor=actor, playlist=playlist, entries=entries)
        request_compile(playlist.unit)
    return playlist


def rename_playlist(*, actor: Any, playlist: Playlist, name: str) -> Playlist:
    return update_playlist(actor=actor, playlist=playlist, name=name)


def set_default(*, actor: Any, playlist: Playlist) -> Playlist:
    return update_playlist(actor=actor, playlist=playlist, is_default=True)


def _check_item(playlist: Playlist, item: BoardItem, existing: set[int]) -> None:
    if not playlist.unit.path.startswith(item.unit.path):
        raise ValidationError(
            {"item": f"«{item.title}» thuộc địa bàn khác, không dùng được trong danh sách này."}
        )
    if item.archived_at is not None and item.pk not in existing:
        raise ValidationError({"item": f"«{item.title}» đã được lưu trữ."})


def _check_duration(duration_seconds: int | None) -> None:
    if duration_seconds is not None and not 1 <= duration_seconds <= 3600:
        raise ValidationError({"duration_seconds": "Thời lượng phải từ 1 đến 3600 giây."})


def set_entries(
    *, actor: Any, playlist: Playlist, entries: Sequence[tuple[BoardItem, int | None]]
) -> Playlist:
    """Replace the playlist's entries with ``entries`` (item, duration override in seconds or None), in
    this order."""
    access.require(actor, access.BOARDS_MANAGE, unit=playlist.unit)
    if len(entries) > MAX_ENTRIES:
        raise ValidationError({"entries": f"Tối đa {MAX_ENTRIES} mục trong một danh sách."})
    existing = set(PlaylistEntry.objects.filter(playlist=playlist).values_list("item_id", flat=True))
    for item, duration in entries:
        _check_item(playlist, item, existing)
        _check_duration(duration)
    with transaction.atomic():
        Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
        before = _entries_snapshot(playlist)
        PlaylistEntry.objects.filter(playlist=playlist).delete()
        PlaylistEntry.objects.bulk_create(
            PlaylistEntry(playlist=playlist, item=item, position=n, duration_seconds=duration)
            for n, (item, duration) in enumerate(entries, start=1)
        )
        audit.record(
            actor=actor,
            action="boards.playlist.entries",
            target=playlist,
            unit=playlist.unit,
            before={"entries": before},
            after={"entries": _entries_snapshot(playlist)},
        )
        request_compile(playlist.unit)
    return playlist


def _current(playlist: Playlist) -> list[tuple[BoardItem, int | None]]:
    rows = PlaylistEntry.objects.filter(playlist=playlist).select_related("item").order_by("position")
    return [(e.item, e.duration_seconds) for e in rows]


def add_entry(
    *, actor: Any, playlist: Playlist, item: BoardItem, duration_seconds: int | None = None
) -> Playlist:
    """Append ``item`` at the end of the loop."""
    return set_entries(
        actor=actor, playlist=playlist, entries=[*_current(playlist), (item, duration_seconds)]
    )


def _position(entry: PlaylistEntry) -> int:
    ids = list(
        PlaylistEntry.objects.filter(playlist=entry.playlist)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    return ids.index(entry.pk)


def move_entry(*, actor: Any, entry: PlaylistEntry, offset: int) -> Playlist:
    """Move an entry up (``offset`` -1) or down (+1); at either end nothing changes."""
    playlist = entry.playlist
    rows = _current(playlist)
    index = _position(entry)
    target = index + offset
    if not 0 <= target < len(rows):
        return playlist
    rows[index], rows[target] = rows[target], rows[index]
    return set_entries(actor=actor, playlist=playlist, entries=rows)


def remove_entry(*, actor: Any, entry: PlaylistEntry) -> Playlist:
    playlist = entry.playlist
    rows = _current(playlist)
    del rows[_position(entry)]
    return set_entries(actor=actor, playlist=playlist, entries=rows)


def set_entry_duration(*, actor: Any, entry: PlaylistEntry, duration_seconds: int | None) -> Playlist:
    playlist = entry.playlist
    rows = _current(playlist)
    index = _position(entry)
    rows[index] = (rows[index][0], duration_seconds)
    return set_entries(actor=actor, playlist=playlist, entries=rows)
