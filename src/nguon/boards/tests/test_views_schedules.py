# ruff: noqa: F811 — fixtures imported from test_views_common
"""The schedule screens: create (every board of the commune, or chosen boards), edit, switch off and on;
bad input refused in Vietnamese with nothing saved; another commune's schedules are 404."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse

from nguon.boards.models import BoardSchedule
from nguon.boards.services.playlists import create_playlist
from nguon.boards.tests.test_views_common import (  # noqa: F401 - fixtures
    ACTOR,
    People,
    announcement,
    board,
    morning_schedule,
    other_board,
    people,
    playlist_with,
    publisher,
    signed_in,
)
from nguon.boards.views.calendar import local_today
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def form(commune: Any, playlist: Any, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": str(commune.pk),
        "name": "Thông báo buổi tối",
        "playlist": str(playlist.pk),
        "weekdays": ["1", "3", "5"],
        "start_time": "18:00",
        "end_time": "21:30",
        "start_date": local_today().isoformat(),
        "end_date": "",
        "priority": "20",
        "all_boards": "1",
        "enabled": "on",
    }
    return data | fields


def test_create_a_schedule_for_chosen_boards(
    signed_in: Any, people: People, commune: Any, board: Any
) -> None:
    playlist = playlist_with(commune, announcement(commune))
    client = signed_in(people.editor)
    response = client.post(
        reverse("boards:schedule-new"), form(commune, playlist, all_boards="0", devices=[board.device_id])
    )
    schedule = BoardSchedule.objects.get()
    assert response.status_code == 302
    assert (schedule.unit, schedule.playlist, schedule.weekdays) == (commune, playlist, [1, 3, 5])
    assert (schedule.start_time, schedule.end_time, schedule.priority) == (time(18, 0), time(21, 30), 20)
    assert (schedule.all_boards, list(schedule.devices.all()), schedule.enabled) == (False, [board], True)
    listed = client.get(reverse("boards:schedules")).content.decode()
    assert "Thông báo buổi tối" in listed
    assert "Thứ Hai, Thứ Tư, Thứ Sáu" in listed
    assert "18:00–21:30" in listed
    # the board's page lists it
    page = client.get(reverse("boards:board", args=[board.device_id])).content.decode()
    assert "Thông báo buổi tối" in page


def test_edit_and_switch_off_and_on(signed_in: Any, people: People, commune: Any) -> None:
    playlist = playlist_with(commune, announcement(commune))
    schedule = morning_schedule(commune, playlist)
    client = signed_in(people.editor)
    page = client.get(reverse("boards:schedule-edit", args=[schedule.pk]))
    assert page.status_code == 200
    assert 'value="06:00"' in page.content.decode()
    client.post(
        reverse("boards:schedule-edit", args=[schedule.pk]),
        form(commune, playlist, name="Buổi sáng sớm", start_time="05:30"),
    )
    schedule.refresh_from_db()
    assert (schedule.name, schedule.start_time, schedule.weekdays) == (
        "Buổi sáng sớm",
        time(5, 30),
        [1, 3, 5],
    )
    response = client.post(
        reverse("boards:schedule-toggle", args=[schedule.pk]), {"enabled": "0"}, follow=True
    )
    schedule.refresh_from_db()
    assert schedule.enabled is False
    assert "Đã tắt lịch «Buổi sáng sớm»." in response.content.decode()
    client.post(reverse("boards:schedule-toggle", args=[schedule.pk]), {"enabled": "1"})
    schedule.refresh_from_db()
    assert schedule.enabled is True


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "Trường này là bắt buộc."),
        ({"start_time": "25:00"}, "start_time", "Nhập một thời gian hợp lệ."),
        ({"all_boards": "0"}, "devices", "Hãy chọn ít nhất một bảng tin hoặc một nhóm."),
        (
            {"priority": "99"},
            "priority",
            "Hãy chọn một lựa chọn hợp lệ. 99 không phải là một trong các lựa chọn khả thi.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    signed_in: Any, people: People, commune: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    playlist = playlist_with(commune, announcement(commune))
    before = (BoardSchedule.objects.count(), AuditEvent.objects.count())
    response = signed_in(people.editor).post(
        reverse("boards:schedule-new"), form(commune, playlist, **fields)
    )
    assert response.status_code == 200
    errors = {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}
    assert message in errors[field]
    assert (BoardSchedule.objects.count(), AuditEvent.objects.count()) == before


def test_service_refusals_show_next_to_their_field(signed_in: Any, people: People, commune: Any) -> None:
    """Rules only the service knows: an empty playlist; an end date before the start (form and service)."""
    empty = create_playlist(actor=ACTOR, unit=commune, name="Trống")
    before = (BoardSchedule.objects.count(), AuditEvent.objects.count())
    client = signed_in(people.editor)
    response = client.post(reverse("boards:schedule-new"), form(commune, empty))
    assert (
        "Danh sách phát đang trống; thêm nội dung trước khi lập lịch."
        in response.context["form"].errors["playlist"]
    )
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    response = client.post(reverse("boards:schedule-new"), form(commune, empty, end_date=yesterday))
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.context["form"].errors["end_date"]
    assert (BoardSchedule.objects.count(), AuditEvent.objects.count()) == before


def test_another_communes_schedules_are_404(
    signed_in: Any, people: People, commune: Any, other_commune: Any, other_board: Any
) -> None:
    theirs = morning_schedule(
        other_commune, playlist_with(other_commune, announcement(other_commune)), name="Của phường khác"
    )
    mine = playlist_with(commune, announcement(commune))
    client = signed_in(people.editor)
    assert client.get(reverse("boards:schedule-edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("boards:schedule-edit", args=[theirs.pk]), form(commune, mine)).status_code == 404
    )
    assert (
        client.post(reverse("boards:schedule-toggle", args=[theirs.pk]), {"enabled": "0"}).status_code == 404
    )
    assert "Của phường khác" not in client.get(reverse("boards:schedules")).content.decode()
    # their board cannot be chosen for my schedule
    response = client.post(
        reverse("boards:schedule-new"), form(commune, mine, all_boards="0", devices=[other_board.device_id])
    )
    assert "devices" in response.context["form"].errors
    theirs.refresh_from_db()
    assert (theirs.name, theirs.enabled) == ("Của phường khác", True)
    assert BoardSchedule.objects.count() == 1
