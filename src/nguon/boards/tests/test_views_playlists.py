# ruff: noqa: F811 — fixtures imported from test_views_common
"""The playlist screens: create, mark default, add items, move up and down, a duration of its own,
remove; bad input refused in Vietnamese with nothing changed; another commune's playlists are 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from nguon.boards.models import Playlist, PlaylistEntry
from nguon.boards.tests.test_views_common import (  # noqa: F401 - fixtures
    ACTOR,
    People,
    announcement,
    people,
    playlist_with,
    publisher,
    signed_in,
)
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def titles(playlist: Playlist) -> list[tuple[str, int | None]]:
    return [
        (e.item.title, e.duration_seconds)
        for e in PlaylistEntry.objects.filter(playlist=playlist).select_related("item").order_by("position")
    ]


def test_create_a_playlist_and_edit_its_entries(signed_in: Any, people: People, commune: Any) -> None:
    first, second = announcement(commune, "Tiêm chủng"), announcement(commune, "Cắt điện")
    client = signed_in(people.editor)
    response = client.post(
        reverse("boards:playlist-new"),
        {
            "unit": str(commune.pk),
            "name": "Buổi sáng",
            "description": "Thông báo đầu ngày",
            "is_default": "on",
        },
    )
    playlist = Playlist.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("boards:playlist-edit", args=[playlist.pk])
    assert (playlist.unit, playlist.name, playlist.is_default) == (commune, "Buổi sáng", True)

    add = reverse("boards:entry-add", args=[playlist.pk])
    client.post(add, {"item": str(first.pk)})
    client.post(add, {"item": str(second.pk), "duration_seconds": "30"})
    assert titles(playlist) == [("Tiêm chủng", None), ("Cắt điện", 30)]

    entry = PlaylistEntry.objects.get(playlist=playlist, item=second)
    change = reverse("boards:entry-change", args=[playlist.pk, entry.pk])
    client.post(change, {"op": "up"})
    assert titles(playlist) == [("Cắt điện", 30), ("Tiêm chủng", None)]
    entry = PlaylistEntry.objects.get(playlist=playlist, item=first)
    client.post(
        reverse("boards:entry-change", args=[playlist.pk, entry.pk]),
        {"op": "duration", "duration_seconds": "20"},
    )
    assert titles(playlist) == [("Cắt điện", 30), ("Tiêm chủng", 20)]
    entry = PlaylistEntry.objects.get(playlist=playlist, item=second)
    response = client.post(
        reverse("boards:entry-change", args=[playlist.pk, entry.pk]), {"op": "remove"}, follow=True
    )
    assert titles(playlist) == [("Tiêm chủng", 20)]
    assert "Đã bỏ «Cắt điện» khỏi danh sách." in response.content.decode()
    page = client.get(reverse("boards:playlist-edit", args=[playlist.pk])).content.decode()
    assert "Tiêm chủng" in page
    listed = client.get(reverse("boards:playlists")).content.decode()
    assert "Buổi sáng" in listed
    assert "mặc định" in listed


def test_marking_another_default_unmarks_the_first(signed_in: Any, people: People, commune: Any) -> None:
    client = signed_in(people.editor)
    for name in ("Mặc định cũ", "Mặc định mới"):
        client.post(
            reverse("boards:playlist-new"), {"unit": str(commune.pk), "name": name, "is_default": "on"}
        )
    assert list(Playlist.objects.filter(is_default=True).values_list("name", flat=True)) == ["Mặc định mới"]


def test_bad_input_is_refused_and_nothing_changes(signed_in: Any, people: People, commune: Any) -> None:
    playlist = playlist_with(commune, announcement(commune, "Tiêm chủng"))
    client = signed_in(people.editor)
    before = (Playlist.objects.count(), PlaylistEntry.objects.count(), AuditEvent.objects.count())

    response = client.post(reverse("boards:playlist-new"), {"unit": str(commune.pk), "name": ""})
    assert "Trường này là bắt buộc." in response.context["form"].errors["name"]

    response = client.post(
        reverse("boards:entry-add", args=[playlist.pk]),
        {"item": str(playlist.entries.get().item_id), "duration_seconds": "5000"},
    )
    assert response.status_code == 422
    assert "Thời lượng phải từ 1 đến 3600 giây." in response.content.decode()

    entry = playlist.entries.get()
    response = client.post(
        reverse("boards:entry-change", args=[playlist.pk, entry.pk]),
        {"op": "duration", "duration_seconds": "-3"},
        follow=True,
    )
    assert "Thời lượng phải là số giây từ 1 đến 3600." in response.content.decode()
    assert (Playlist.objects.count(), PlaylistEntry.objects.count(), AuditEvent.objects.count()) == before


def test_items_of_another_commune_cannot_be_added(
    signed_in: Any, people: People, commune: Any, other_commune: Any
) -> None:
    playlist = playlist_with(commune, announcement(commune))
    theirs = announcement(other_commune, "Của phường khác")
    response = signed_in(people.editor).post(
        reverse("boards:entry-add", args=[playlist.pk]), {"item": str(theirs.pk)}
    )
    assert response.status_code == 422
    assert "Hãy chọn một lựa chọn hợp lệ." in str(response.context["add_form"].errors["item"])
    assert [t for t, _ in titles(playlist)] == ["Lịch tiêm chủng mở rộng tháng 12"]


def test_a_provincial_item_can_join_a_communes_playlist(
    signed_in: Any, people: People, commune: Any, province: Any
) -> None:
    from nguon.boards.services.items import create_item

    provincial = create_item(
        actor=ACTOR, unit=province, kind="text", title="Thông báo của tỉnh", body="Nội dung"
    )
    playlist = playlist_with(commune, announcement(commune))
    signed_in(people.editor).post(
        reverse("boards:entry-add", args=[playlist.pk]), {"item": str(provincial.pk)}
    )
    assert [t for t, _ in titles(playlist)][-1] == "Thông báo của tỉnh"


def test_another_communes_playlists_are_404(signed_in: Any, people: People, other_commune: Any) -> None:
    theirs = playlist_with(other_commune, announcement(other_commune), name="Của phường khác")
    entry = theirs.entries.get()
    client = signed_in(people.editor)
    assert client.get(reverse("boards:playlist-edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("boards:playlist-edit", args=[theirs.pk]), {"name": "Chiếm"}).status_code == 404
    )
    assert (
        client.post(reverse("boards:entry-add", args=[theirs.pk]), {"item": str(entry.item_id)}).status_code
        == 404
    )
    assert (
        client.post(reverse("boards:entry-change", args=[theirs.pk, entry.pk]), {"op": "remove"}).status_code
        == 404
    )
    assert "Của phường khác" not in client.get(reverse("boards:playlists")).content.decode()
    assert titles(theirs) == [("Lịch tiêm chủng mở rộng tháng 12", None)]
