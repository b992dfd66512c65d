# ruff: noqa: F811 — fixtures imported from the content tests
"""Playlists through the service: one default per unit, entries in order (add, move, remove), duration
overrides, items only of the unit or above; refusals in Vietnamese, nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.boards.models import BoardItem, Playlist, PlaylistEntry
from nguon.boards.services import items, playlists
from nguon.content.tests.conftest import department, people  # noqa: F401 — fixtures
from nguon.core.models import AuditEvent


def _item(actor: Any, unit: Any, title: str) -> BoardItem:
    return items.create_item(actor=actor, unit=unit, kind="text", title=title, body=f"Nội dung {title}")


def _rows(playlist: Playlist) -> list[tuple[str, int | None]]:
    return [
        (e.item.title, e.duration_seconds)
        for e in PlaylistEntry.objects.filter(playlist=playlist).select_related("item").order_by("position")
    ]


def _entry(playlist: Playlist, title: str) -> PlaylistEntry:
    return PlaylistEntry.objects.select_related("playlist__unit").get(playlist=playlist, item__title=title)


def test_one_default_per_unit(people: Any, commune: Any, other_commune: Any) -> None:
    editor = people.commune_editor
    first = playlists.create_playlist(actor=editor, unit=commune, name="Mặc định cũ", is_default=True)
    theirs = playlists.create_playlist(
        actor=people.other_editor, unit=other_commune, name="Mặc định phường", is_default=True
    )
    second = playlists.create_playlist(actor=editor, unit=commune, name="Mặc định mới", is_default=True)
    defaults = set(Playlist.objects.filter(is_default=True).values_list("pk", flat=True))
    assert defaults == {second.pk, theirs.pk}  # the other commune keeps its own default
    playlists.set_default(actor=editor, playlist=first)
    defaults = set(Playlist.objects.filter(is_default=True).values_list("pk", flat=True))
    assert defaults == {first.pk, theirs.pk}
    playlists.update_playlist(actor=editor, playlist=first, is_default=False)
    assert not Playlist.objects.filter(unit=commune, is_default=True).exists()
    assert AuditEvent.objects.filter(action="boards.playlist.update", target_id=str(first.pk)).count() == 2


def test_entries_keep_their_order_and_move(people: Any, commune: Any) -> None:
    editor = people.commune_editor
    a, b, c = (_item(editor, commune, t) for t in ("Một", "Hai", "Ba"))
    loop = playlists.create_playlist(
        actor=editor, unit=commune, name="Buổi sáng", entries=[(a, None), (b, 30)]
    )
    assert _rows(loop) == [("Một", None), ("Hai", 30)]
    playlists.add_entry(actor=editor, playlist=loop, item=c, duration_seconds=5)
    assert _rows(loop) == [("Một", None), ("Hai", 30), ("Ba", 5)]
    playlists.move_entry(actor=editor, entry=_entry(loop, "Ba"), offset=-1)
    assert [t for t, _ in _rows(loop)] == ["Một", "Ba", "Hai"]
    playlists.move_entry(actor=editor, entry=_entry(loop, "Một"), offset=-1)  # already first: no change
    playlists.move_entry(actor=editor, entry=_entry(loop, "Hai"), offset=1)  # already last: no change
    assert [t for t, _ in _rows(loop)] == ["Một", "Ba", "Hai"]
    playlists.move_entry(actor=editor, entry=_entry(loop, "Một"), offset=1)
    assert [t for t, _ in _rows(loop)] == ["Ba", "Một", "Hai"]
    playlists.remove_entry(actor=editor, entry=_entry(loop, "Ba"))
    assert _rows(loop) == [("Một", None), ("Hai", 30)]
    positions = list(
        PlaylistEntry.objects.filter(playlist=loop).order_by("position").values_list("position", flat=True)
    )
    assert positions == [1, 2]
    # the same item may come twice in one loop
    playlists.add_entry(actor=editor, playlist=loop, item=a)
    assert [t for t, _ in _rows(loop)] == ["Một", "Hai", "Một"]
    event = (
        AuditEvent.objects.filter(action="boards.playlist.entries", target_id=str(loop.pk))
        .order_by("seq")
        .last()
    )
    assert event is not None
    assert event.before == {"entries": [[a.pk, None], [b.pk, 30]]}
    assert event.after == {"entries": [[a.pk, None], [b.pk, 30], [a.pk, None]]}


def test_duration_override(people: Any, commune: Any) -> None:
    editor = people.commune_editor
    loop = playlists.create_playlist(
        actor=editor, unit=commune, name="Trưa", entries=[(_item(editor, commune, "Tin trưa"), None)]
    )
    playlists.set_entry_duration(actor=editor, entry=_entry(loop, "Tin trưa"), duration_seconds=45)
    assert _rows(loop) == [("Tin trưa", 45)]
    playlists.set_entry_duration(actor=editor, entry=_entry(loop, "Tin trưa"), duration_seconds=None)
    assert _rows(loop) == [("Tin trưa", None)]
    for wrong in (0, 3601):
        with pytest.raises(ValidationError) as refused:
            playlists.set_entry_duration(actor=editor, entry=_entry(loop, "Tin trưa"), duration_seconds=wrong)
        assert refused.value.message_dict["duration_seconds"] == ["Thời lượng phải từ 1 đến 3600 giây."]
    assert _rows(loop) == [("Tin trưa", None)]


def test_items_only_of_the_unit_or_above(
    people: Any, commune: Any, other_commune: Any, province: Any
) -> None:
    editor = people.commune_editor
    loop = playlists.create_playlist(actor=editor, unit=commune, name="Cả ngày")
    ours = _item(editor, commune, "Tin của xã")
    theirs = _item(people.other_editor, other_commune, "Tin của phường")
    provincial = _item(people.board, province, "Tin của tỉnh")
    with pytest.raises(ValidationError) as refused:
        playlists.set_entries(actor=editor, playlist=loop, entries=[(ours, None), (theirs, None)])
    assert refused.value.message_dict["item"] == [
        "«Tin của phường» thuộc địa bàn khác, không dùng được trong danh sách này."
    ]
    assert _rows(loop) == []  # nothing half-written
    playlists.set_entries(actor=editor, playlist=loop, entries=[(ours, None), (provincial, 20)])
    assert _rows(loop) == [("Tin của xã", None), ("Tin của tỉnh", 20)]
    # an archived item cannot be added, but one already in the loop may stay while others change
    old = _item(editor, commune, "Tin cũ")
    items.archive_item(actor=editor, item=old)
    with pytest.raises(ValidationError) as archived:
        playlists.add_entry(actor=editor, playlist=loop, item=old)
    assert archived.value.message_dict["item"] == ["«Tin cũ» đã được lưu trữ."]
    items.archive_item(actor=editor, item=ours)
    playlists.add_entry(actor=editor, playlist=loop, item=_item(editor, commune, "Tin mới"))
    assert [t for t, _ in _rows(loop)] == ["Tin của xã", "Tin của tỉnh", "Tin mới"]


def test_names_and_access(people: Any, commune: Any) -> None:
    editor = people.commune_editor
    with pytest.raises(ValidationError) as refused:
        playlists.create_playlist(actor=editor, unit=commune, name="  ", description="x" * 501)
    assert refused.value.message_dict == {
        "name": ["Nhập tên danh sách."],
        "description": ["Mô tả dài quá 500 ký tự."],
    }
    assert not Playlist.objects.exists()
    loop = playlists.create_playlist(actor=editor, unit=commune, name="Buổi tối")
    playlists.rename_playlist(actor=editor, playlist=loop, name="Buổi tối cuối tuần")
    assert Playlist.objects.get(pk=loop.pk).name == "Buổi tối cuối tuần"
    with pytest.raises(Http404):
        playlists.create_playlist(actor=people.other_editor, unit=commune, name="Không được")
    with pytest.raises(Http404):
        playlists.rename_playlist(actor=people.other_editor, playlist=loop, name="Sửa trộm")
    with pytest.raises(Http404):
        playlists.set_entries(actor=people.other_editor, playlist=loop, entries=[])
    assert list(Playlist.objects.values_list("name", flat=True)) == ["Buổi tối cuối tuần"]
