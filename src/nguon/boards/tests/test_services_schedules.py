# ruff: noqa: F811 — fixtures imported from the content tests
"""Schedules through the service: weekdays, times and dates, a playlist that is not empty, targets that are
e-boards (or groups) of the unit; Vietnamese messages and nothing written when refused; enable/disable."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.boards.models import BoardSchedule, Playlist
from nguon.boards.services import items, playlists, schedules
from nguon.boards.tests.test_compile_helpers import board
from nguon.content.tests.conftest import department, people  # noqa: F401 — fixtures
from nguon.core.models import AuditEvent
from nguon.devices.models import Device, DeviceGroup
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import ACTOR

START = date(2026, 12, 1)


@pytest.fixture
def loop(people: Any, commune: Any) -> Playlist:
    editor = people.commune_editor
    item = items.create_item(actor=editor, unit=commune, kind="text", title="Tin buổi sáng")
    return playlists.create_playlist(actor=editor, unit=commune, name="Buổi sáng", entries=[(item, None)])


def _create(actor: Any, unit: Any, playlist: Playlist | None, **changes: Any) -> BoardSchedule:
    values: dict[str, Any] = {
        "name": "Buổi sáng",
        "playlist": playlist,
        "weekdays": [1, 2, 3, 4, 5],
        "start_time": time(7, 0),
        "end_time": time(11, 0),
        "start_date": START,
    }
    return schedules.create_schedule(actor=actor, unit=unit, **(values | changes))


def _refusal(actor: Any, unit: Any, playlist: Playlist | None, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _create(actor, unit, playlist, **changes)
    assert not BoardSchedule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="boards.schedule").exists()
    return refused.value.message_dict


def test_weekdays_are_checked(people: Any, commune: Any, loop: Playlist) -> None:
    editor = people.commune_editor
    assert _refusal(editor, commune, loop, weekdays=[])["weekdays"] == ["Chọn ít nhất một ngày trong tuần."]
    assert _refusal(editor, commune, loop, weekdays=[0, 8])["weekdays"] == [
        "Ngày trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật)."
    ]
    assert _refusal(editor, commune, loop, weekdays=["thứ hai"])["weekdays"] == [
        "Ngày trong tuần không hợp lệ."
    ]
    made = _create(editor, commune, loop, weekdays=["6", 7, "6"])
    assert made.weekdays == [6, 7]  # numbers, once each, in order


def test_times_dates_name_and_priority_are_checked(people: Any, commune: Any, loop: Playlist) -> None:
    editor = people.commune_editor
    errors = _refusal(
        editor,
        commune,
        loop,
        name="",
        start_time=None,
        end_time=None,
        start_date=START,
        end_date=date(2026, 11, 30),
        priority=15,
    )
    assert errors == {
        "name": ["Nhập tên lịch."],
        "start_time": ["Nhập giờ bắt đầu."],
        "end_time": ["Nhập giờ kết thúc."],
        "end_date": ["Ngày kết thúc phải từ ngày bắt đầu trở đi."],
        "priority": ["Mức ưu tiên không hợp lệ."],
    }
    assert _refusal(editor, commune, loop, start_date=None)["start_date"] == ["Nhập ngày bắt đầu."]
    # an end at or before the start runs past midnight; one day only is allowed
    night = _create(editor, commune, loop, start_time=time(22, 0), end_time=time(5, 0), end_date=START)
    assert (night.start_time, night.end_time, night.end_date) == (time(22, 0), time(5, 0), START)


def test_playlist_must_be_of_the_unit_and_not_empty(
    people: Any, commune: Any, other_commune: Any, loop: Playlist
) -> None:
    editor = people.commune_editor
    assert _refusal(editor, commune, None)["playlist"] == ["Chọn danh sách phát."]
    empty = playlists.create_playlist(actor=editor, unit=commune, name="Trống")
    assert _refusal(editor, commune, empty)["playlist"] == [
        "Danh sách phát đang trống; thêm nội dung trước khi lập lịch."
    ]
    old = items.create_item(actor=editor, unit=commune, kind="text", title="Tin cũ")
    only_archived = playlists.create_playlist(actor=editor, unit=commune, name="Cũ", entries=[(old, None)])
    items.archive_item(actor=editor, item=old)
    assert _refusal(editor, commune, only_archived)["playlist"] == [
        "Danh sách phát đang trống; thêm nội dung trước khi lập lịch."
    ]
    theirs_item = items.create_item(actor=people.other_editor, unit=other_commune, kind="text", title="Tin")
    theirs = playlists.create_playlist(
        actor=people.other_editor, unit=other_commune, name="Của phường", entries=[(theirs_item, None)]
    )
    assert _refusal(editor, commune, theirs)["playlist"] == ["Danh sách phát thuộc địa bàn khác."]


def test_targets_must_be_eboards_or_groups_of_the_unit(
    people: Any, commune: Any, other_commune: Any, loop: Playlist
) -> None:
    editor = people.commune_editor
    ours = board(commune, "EB-S1")
    theirs = board(other_commune, "EB-S2")
    retired = board(commune, "EB-S3")
    Device.objects.filter(pk=retired.pk).update(retired_on=date(2026, 1, 1))
    retired.refresh_from_db()
    speaker = register_device(
        actor=ACTOR, kind="speaker_cluster", serial="SC-S4", unit=commune, name="Cụm loa chợ"
    )
    their_group = DeviceGroup.objects.create(unit=other_commune, name="Bảng tin phường")
    assert _refusal(editor, commune, loop, all_boards=False)["devices"] == [
        "Chọn bảng tin hoặc nhóm bảng tin, hoặc chọn mọi bảng tin của địa bàn."
    ]
    assert _refusal(editor, commune, loop, all_boards=False, devices=[ours, theirs, retired, speaker])[
        "devices"
    ] == ["Không phải bảng tin đang hoạt động của địa bàn: EB-S2, EB-S3, Cụm loa chợ."]
    assert _refusal(editor, commune, loop, all_boards=False, groups=[their_group])["groups"] == [
        "Nhóm không thuộc địa bàn: Bảng tin phường."
    ]
    assert _refusal(editor, commune, loop, all_boards=False, devices=["d-khongco"])["devices"] == [
        "Có bảng tin không tồn tại."
    ]
    assert _refusal(editor, commune, loop, all_boards=False, groups=[999_999])["groups"] == [
        "Có nhóm thiết bị không tồn tại."
    ]
    market = DeviceGroup.objects.create(unit=commune, name="Bảng tin chợ")
    made = _create(editor, commune, loop, all_boards=False, devices=[ours.device_id], groups=[market.pk])
    assert list(made.devices.all()) == [ours]
    assert list(made.groups.all()) == [market]
    # back to every board of the unit: the chosen targets are cleared
    changed = schedules.update_schedule(
        actor=editor,
        schedule=made,
        name=made.name,
        playlist=loop,
        weekdays=made.weekdays,
        start_time=made.start_time,
        end_time=made.end_time,
        start_date=made.start_date,
        all_boards=True,
        devices=[ours],
    )
    assert changed.all_boards
    assert not changed.devices.exists()
    assert not changed.groups.exists()


def test_enable_and_disable(people: Any, commune: Any, loop: Playlist) -> None:
    editor = people.commune_editor
    made = _create(editor, commune, loop)
    assert made.enabled
    schedules.set_enabled(actor=editor, schedule=made, enabled=False)
    schedules.set_enabled(actor=editor, schedule=made, enabled=False)  # already off: nothing recorded
    assert not BoardSchedule.objects.get(pk=made.pk).enabled
    assert AuditEvent.objects.filter(action="boards.schedule.disable", target_id=str(made.pk)).count() == 1
    # an update that does not say keeps it off
    schedules.update_schedule(
        actor=editor,
        schedule=made,
        name="Buổi sáng mới",
        playlist=loop,
        weekdays=[1],
        start_time=time(6, 0),
        end_time=time(8, 0),
        start_date=START,
    )
    stored = BoardSchedule.objects.get(pk=made.pk)
    assert (stored.name, stored.enabled, stored.weekdays) == ("Buổi sáng mới", False, [1])
    schedules.set_enabled(actor=editor, schedule=stored, enabled=True)
    assert BoardSchedule.objects.get(pk=made.pk).enabled
    event = AuditEvent.objects.get(action="boards.schedule.enable", target_id=str(made.pk))
    assert (event.before["enabled"], event.after["enabled"]) == (False, True)


def test_another_communes_editor_gets_404(
    people: Any, commune: Any, other_commune: Any, loop: Playlist
) -> None:
    editor = people.commune_editor
    made = _create(editor, commune, loop)
    with pytest.raises(Http404):
        _create(people.other_editor, commune, loop, name="Không được")
    with pytest.raises(Http404):
        schedules.set_enabled(actor=people.other_editor, schedule=made, enabled=False)
    with pytest.raises(Http404):
        schedules.update_schedule(
            actor=people.other_editor,
            schedule=made,
            name="Sửa trộm",
            playlist=loop,
            weekdays=[1],
            start_time=time(6, 0),
            end_time=time(7, 0),
            start_date=START,
        )
    stored = BoardSchedule.objects.get()
    assert (stored.name, stored.enabled) == ("Buổi sáng", True)
