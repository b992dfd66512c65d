"""The boards list and a board's page, and the fixtures the other screen and API tests import: the people
of Xã Định Hóa (05569) and of Phường Phan Đình Phùng (05443), an LED board in each, a signed-in client,
and a small announcement in a playlist."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from nguon.accounts.choices import Role
from nguon.boards.models import BoardItem, Playlist
from nguon.boards.services.items import create_item
from nguon.boards.services.playlists import create_playlist
from nguon.boards.services.schedules import create_schedule
from nguon.boards.views.calendar import local_today
from nguon.core.access import SystemActor
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.services.registry import register_device

ACTOR = SystemActor("tests")
pytestmark = pytest.mark.django_db


@dataclass
class People:
    editor: Any  # commune editor of Định Hóa (05569)
    other_editor: Any  # commune editor of Phan Đình Phùng (05443)
    technician: Any  # technician of Định Hóa: sees devices, does not manage board content
    viewer: Any


@pytest.fixture
def people(make_user: Callable[..., Any], commune: Any, other_commune: Any) -> People:
    return People(
        editor=make_user(Role.COMMUNE_EDITOR, unit=commune),
        other_editor=make_user(Role.COMMUNE_EDITOR, unit=other_commune),
        technician=make_user(Role.TECHNICIAN, unit=commune),
        viewer=make_user(Role.VIEWER, unit=commune),
    )


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


def make_board(unit: Any, serial: str, resolution: str = "384x192", name: str = "") -> Any:
    return register_device(
        actor=ACTOR,
        kind="eboard",
        serial=serial,
        unit=unit,
        name=name,
        panel="led",
        size_m2=Decimal("6.00"),
        resolution=resolution,
    )


@pytest.fixture
def board(commune: Any, publisher: MemoryPublisher) -> Any:
    return make_board(commune, "EB-DH-01", name="Bảng tin UBND xã Định Hóa")


@pytest.fixture
def other_board(other_commune: Any, publisher: MemoryPublisher) -> Any:
    return make_board(other_commune, "EB-PDP-01", name="Bảng tin phường Phan Đình Phùng")


@pytest.fixture
def signed_in(client: Any) -> Callable[[Any], Any]:
    def do(user: Any) -> Any:
        client.logout()
        client.force_login(user)
        session = client.session
        session["nguon_2fa_user"] = user.pk
        session.save()
        return client

    return do


def announcement(unit: Any, title: str = "Lịch tiêm chủng mở rộng tháng 12") -> BoardItem:
    return create_item(
        actor=ACTOR,
        unit=unit,
        kind="text",
        title=title,
        body="Trạm y tế xã tiêm chủng vào sáng thứ Bảy.\nMang theo sổ tiêm chủng.",
    )


def playlist_with(unit: Any, *items: BoardItem, name: str = "Thông báo buổi sáng") -> Playlist:
    return create_playlist(actor=ACTOR, unit=unit, name=name, entries=[(i, None) for i in items])


def morning_schedule(unit: Any, playlist: Playlist, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "name": "Buổi sáng",
        "playlist": playlist,
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": time(6, 0),
        "end_time": time(9, 0),
        "start_date": local_today(),
    }
    return create_schedule(actor=ACTOR, unit=unit, **(values | extra))


# -- the boards list and a board's page ------------------------------------------------------------------
def test_list_shows_only_the_boards_of_the_editors_commune(
    signed_in: Any, people: People, board: Any, other_board: Any
) -> None:
    response = signed_in(people.editor).get(reverse("boards:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bảng tin UBND xã Định Hóa" in page
    assert board.device_id in page
    assert "384x192" in page
    assert "6 m²" in page
    assert other_board.device_id not in page
    assert "Chưa có nhịp tim" in page  # status from devices.selectors.status


def test_list_filters_by_commune(
    signed_in: Any, make_user: Any, province: Any, board: Any, other_board: Any
) -> None:
    provincial = make_user(Role.EDITORIAL_BOARD, unit=province)
    client = signed_in(provincial)
    everything = client.get(reverse("boards:list")).content.decode()
    assert board.device_id in everything
    assert other_board.device_id in everything
    only = client.get(reverse("boards:list"), {"commune": str(board.unit_id)}).content.decode()
    assert board.device_id in only
    assert other_board.device_id not in only


def test_people_without_boards_manage_get_404(signed_in: Any, people: People, board: Any) -> None:
    for user in (people.technician, people.viewer):
        client = signed_in(user)
        assert client.get(reverse("boards:list")).status_code == 404
        assert client.get(reverse("boards:board", args=[board.device_id])).status_code == 404


def test_board_of_another_commune_is_404(signed_in: Any, people: People, other_board: Any) -> None:
    response = signed_in(people.editor).get(reverse("boards:board", args=[other_board.device_id]))
    assert response.status_code == 404


def test_board_page_has_preview_at_exact_size_and_calendar(
    signed_in: Any, people: People, board: Any, commune: Any
) -> None:
    item = announcement(commune)
    morning_schedule(commune, playlist_with(commune, item))
    response = signed_in(people.editor).get(reverse("boards:board", args=[board.device_id]))
    assert response.status_code == 200
    page = response.content.decode()
    preview = reverse("boards:player-preview", args=[board.device_id])
    assert f'src="{preview}" width="680" height="302"' in page  # the 192 px screen at scale 1, and the bar
    assert 'data-board-width="384" data-board-height="192" data-scale="1"' in page
    assert reverse("boards:screenshot", args=[board.device_id]) in page
    calendar = response.context["calendar"]
    assert len(calendar) == 7
    assert calendar[0].day == local_today()
    for day in calendar:
        assert [(w.title, w.start.strftime("%H:%M"), w.end.strftime("%H:%M")) for w in day.windows] == [
            ("Buổi sáng", "06:00", "09:00")
        ]
    assert "06:00–09:00" in page
    assert [s.name for s in response.context["schedules"]] == ["Buổi sáng"]


def test_calendar_shows_default_playlist_and_past_midnight(
    signed_in: Any, people: People, board: Any, commune: Any
) -> None:
    default = create_playlist(
        actor=ACTOR, unit=commune, name="Mặc định", is_default=True, entries=[(announcement(commune), None)]
    )
    night = playlist_with(commune, announcement(commune, "Giờ giới nghiêm"), name="Ban đêm")
    morning_schedule(commune, night, name="Ban đêm", start_time=time(22, 0), end_time=time(2, 0))
    response = signed_in(people.editor).get(reverse("boards:board", args=[board.device_id]))
    first = response.context["calendar"][0].windows
    shown = [(w.title, w.source, w.start.strftime("%H:%M"), w.end.strftime("%H:%M")) for w in first]
    assert shown == [
        ("Mặc định", "board-default", "00:00", "22:00"),
        ("Ban đêm", "board-schedule", "22:00", "00:00"),
    ]
    second = response.context["calendar"][1].windows
    assert (second[0].title, second[0].end.strftime("%H:%M")) == ("Ban đêm", "02:00")
    assert default.name in response.content.decode()


def test_navigation_links_to_the_boards_list(signed_in: Any, people: People) -> None:
    page = signed_in(people.editor).get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("boards:list")}"' in page
    assert reverse("boards:list") == "/boards/"


@pytest.mark.parametrize(
    ("width", "scale"), [(192, 1.0), (96, 3.0), (384, 1.0), (1920, 640 / 1920), (3840, 640 / 3840)]
)
def test_preview_scale_matches_the_player_page(width: int, scale: float) -> None:
    from nguon.boards.views.boards import preview_scale

    assert preview_scale(width) == pytest.approx(scale)


def test_calendar_days_cover_local_midnight_to_midnight(board: Any) -> None:
    from django.utils import timezone

    from nguon.boards.views.calendar import board_calendar

    days = board_calendar(board, now=timezone.now(), days=2)
    assert days[1].day - days[0].day == timedelta(days=1)
    assert all(d.windows == [] for d in days)  # nothing scheduled, no default: the player shows a clock


def test_list_shows_what_plays_now_and_the_manifest_version(
    signed_in: Any, people: People, board: Any, commune: Any
) -> None:
    from nguon.boards.services.compilation import compile_unit

    item = announcement(commune, "Cả ngày: lịch tiêm chủng")
    morning_schedule(
        commune, playlist_with(commune, item), name="Cả ngày", start_time=time(0), end_time=time(0)
    )
    compile_unit(actor=ACTOR, unit=commune)
    response = signed_in(people.editor).get(reverse("boards:list"))
    (row,) = response.context["rows"]
    assert row.showing is not None
    assert (row.showing.title, row.showing.slide, row.showing.source) == (
        "Cả ngày",
        "Cả ngày: lịch tiêm chủng",
        "board-schedule",
    )
    assert row.status.current_manifest_version is not None
    assert "Cả ngày: lịch tiêm chủng" in response.content.decode()


def test_now_showing_follows_the_timing_rule() -> None:
    from datetime import UTC, datetime

    from nguon.boards.views.boards import now_showing
    from nguon.devices.models import DeviceManifest

    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    body = {
        "items": [
            {
                "id": "w-1",
                "title": "Sáng",
                "start": "2026-12-01T01:00:00Z",
                "duration_ms": 3_600_000,
                "source": {"type": "board-schedule", "id": "1"},
                "slides": [
                    {"id": "a", "kind": "text", "heading": "Một", "duration_ms": 10_000},
                    {"id": "b", "kind": "text", "heading": "Hai", "duration_ms": 5_000},
                ],
            }
        ]
    }
    manifest = DeviceManifest(body=body)
    at = [now_showing(manifest, start + timedelta(seconds=s)) for s in (0, 9, 10, 14, 15, 3599, 3600)]
    assert [(x.slide if x else None) for x in at] == ["Một", "Một", "Hai", "Hai", "Một", "Hai", None]
    emergency = DeviceManifest(
        body=body
        | {"emergency": {"id": "e", "item": {"id": "e", "title": "Lũ", "banner": {"heading": "Lũ quét"}}}}
    )
    shown = now_showing(emergency, start)
    assert shown is not None
    assert (shown.title, shown.source) == ("Lũ quét", "emergency")
