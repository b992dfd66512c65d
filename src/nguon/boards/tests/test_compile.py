"""Compilation of e-board schedules into manifests: the timing rule, priorities, default content in the
gaps, dayparts across midnight, targeting by board/group/unit, versions only on change."""

from __future__ import annotations

import itertools
from datetime import time, timedelta
from typing import Any

import pytest

from nguon.boards.services.compilation import compile_unit
from nguon.boards.tests.test_compile_helpers import (
    DAY,
    NOW,
    SYSTEM,
    board,
    headings,
    local,
    manifest,
    playlist,
    schedule,
    text_item,
    window_at,
)
from nguon.devices.models import CommandRecord, DeviceGroup, DeviceManifest
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.protocol.validation import validate
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture

pytestmark = pytest.mark.usefixtures("publisher")


@pytest.fixture
def setup(commune: Any, other_commune: Any) -> dict[str, Any]:
    b1 = board(commune, "EB-1", "192x96")
    b2 = board(commune, "EB-2", "1920x1080")
    far = board(other_commune, "EB-3", "384x192")
    default = playlist(commune, "Mặc định", [text_item(commune, "Chào mừng đến xã Định Hóa")], default=True)
    morning = playlist(commune, "Buổi sáng", [text_item(commune, "Tin buổi sáng", seconds=20)])
    return {"b1": b1, "b2": b2, "far": far, "default": default, "morning": morning}


def test_gaps_filled_with_default_and_schedule_wins_its_daypart(setup: dict[str, Any], commune: Any) -> None:
    schedule(commune, "Sáng", setup["morning"], time(7, 0), time(11, 0))
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    b1 = setup["b1"]
    body = manifest(b1)
    assert body["mode"] == "eboard"
    assert headings(window_at(b1, local(DAY, 6, 59))) == ["Chào mừng đến xã Định Hóa"]
    at_seven = window_at(b1, local(DAY, 7, 0))
    assert at_seven is not None
    assert at_seven["source"]["type"] == "board-schedule"
    assert headings(at_seven) == ["Tin buổi sáng"]
    assert window_at(b1, local(DAY, 11, 0))["source"]["type"] == "board-default"
    # windows never overlap, and cover today + 2 days from local midnight
    items = body["items"]
    for first, second in itertools.pairwise(items):
        assert parse_ts(first["start"]) + timedelta(milliseconds=first["duration_ms"]) <= parse_ts(
            second["start"]
        )
    assert parse_ts(items[0]["start"]) == local(DAY, 0)
    last = items[-1]
    assert parse_ts(last["start"]) + timedelta(milliseconds=last["duration_ms"]) == local(
        DAY + timedelta(days=3), 0
    )
    # the other commune's board has nothing of ours (and no default: the player shows its clock)
    compile_unit(actor=SYSTEM, unit=setup["far"].unit, now=NOW)
    assert manifest(setup["far"])["items"] == []


def test_manifest_follows_the_contract_and_timing_rule(setup: dict[str, Any], commune: Any) -> None:
    long_text = " ".join(["Bà con chú ý lịch tiêm chủng mở rộng tại trạm y tế xã."] * 12)
    loop = playlist(commune, "Tin dài", [text_item(commune, "Lịch tiêm chủng", long_text, seconds=12)])
    schedule(commune, "Trưa", loop, time(12, 0), time(13, 0))
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    body = manifest(setup["b1"])
    validate("manifest", {**body, "sig": "-"})
    window = window_at(setup["b1"], local(DAY, 12, 30))
    assert window is not None
    assert window["duration_ms"] == 3_600_000
    slides = window["slides"]
    assert len(slides) > 1
    assert all(s["duration_ms"] == 12_000 for s in slides)
    assert all(len(s["body"]) <= 220 for s in slides)
    text = " ".join(s["body"] for s in slides)
    assert text.split() == long_text.split()  # nothing lost, no word cut in two
    ids = [s["id"] for w in body["items"] for s in w["slides"]]
    assert len(ids) == len(set(ids))
    assert all(s["source"]["type"] == "board-item" for s in slides)


def test_higher_priority_wins_then_newest(setup: dict[str, Any], commune: Any) -> None:
    urgent = playlist(commune, "Khẩn", [text_item(commune, "Thông báo khẩn")])
    newer = playlist(commune, "Mới hơn", [text_item(commune, "Thông báo mới hơn")])
    schedule(commune, "Sáng", setup["morning"], time(7, 0), time(11, 0))
    schedule(commune, "Khẩn 8-9", urgent, time(8, 0), time(9, 0), priority=30)
    schedule(commune, "Mới 10-12", newer, time(10, 0), time(12, 0))  # same priority as Sáng, newer
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    b1 = setup["b1"]
    assert headings(window_at(b1, local(DAY, 7, 59))) == ["Tin buổi sáng"]
    assert headings(window_at(b1, local(DAY, 8, 30))) == ["Thông báo khẩn"]
    assert headings(window_at(b1, local(DAY, 9, 0))) == ["Tin buổi sáng"]
    assert headings(window_at(b1, local(DAY, 10, 0))) == ["Thông báo mới hơn"]
    assert headings(window_at(b1, local(DAY, 11, 59))) == ["Thông báo mới hơn"]
    assert headings(window_at(b1, local(DAY, 12, 0))) == ["Chào mừng đến xã Định Hóa"]


def test_daypart_across_midnight_and_weekdays(setup: dict[str, Any], commune: Any) -> None:
    night = playlist(commune, "Ban đêm", [text_item(commune, "Giữ gìn an ninh trật tự ban đêm")])
    # Thursday only (ISO 4): 22:00 Thursday → 05:00 Friday; not Friday night
    schedule(commune, "Đêm thứ Năm", night, time(22, 0), time(5, 0), weekdays=[4])
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    b1 = setup["b1"]
    friday = DAY + timedelta(days=1)
    assert headings(window_at(b1, local(DAY, 21, 59))) == ["Chào mừng đến xã Định Hóa"]
    assert headings(window_at(b1, local(DAY, 23, 30))) == ["Giữ gìn an ninh trật tự ban đêm"]
    assert headings(window_at(b1, local(friday, 4, 59))) == ["Giữ gìn an ninh trật tự ban đêm"]
    assert headings(window_at(b1, local(friday, 5, 0))) == ["Chào mừng đến xã Định Hóa"]
    assert headings(window_at(b1, local(friday, 23, 0))) == ["Chào mừng đến xã Định Hóa"]


def test_targeting_by_board_and_group(setup: dict[str, Any], commune: Any) -> None:
    group = DeviceGroup.objects.create(unit=commune, name="Bảng tin chợ")
    setup["b2"].groups.add(group)
    one = playlist(commune, "Riêng bảng 1", [text_item(commune, "Chỉ bảng 1")])
    market = playlist(commune, "Nhóm chợ", [text_item(commune, "Chỉ nhóm chợ")])
    schedule(commune, "Bảng 1", one, time(8, 0), time(9, 0), all_boards=False, devices=[setup["b1"]])
    schedule(commune, "Nhóm chợ", market, time(8, 0), time(9, 0), all_boards=False, groups=[group])
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    assert headings(window_at(setup["b1"], local(DAY, 8, 30))) == ["Chỉ bảng 1"]
    assert headings(window_at(setup["b2"], local(DAY, 8, 30))) == ["Chỉ nhóm chợ"]


def test_province_default_when_the_commune_has_none(province: Any, other_commune: Any) -> None:
    far = board(other_commune, "EB-9")
    playlist(province, "Mặc định của tỉnh", [text_item(province, "Tỉnh Thái Nguyên")], default=True)
    compile_unit(actor=SYSTEM, unit=other_commune, now=NOW)
    assert headings(window_at(far, local(DAY, 15))) == ["Tỉnh Thái Nguyên"]


def test_new_version_only_when_something_changed(setup: dict[str, Any], commune: Any) -> None:
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    b1 = setup["b1"]
    versions = DeviceManifest.objects.filter(device=b1).count()
    commands = CommandRecord.objects.filter(device=b1, type="manifest-changed").count()
    result = compile_unit(actor=SYSTEM, unit=commune, now=NOW + timedelta(minutes=5))
    assert result.changed == 0
    assert DeviceManifest.objects.filter(device=b1).count() == versions
    schedule(commune, "Sáng", setup["morning"], time(7, 0), time(11, 0))
    result = compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    assert result.changed == 2  # the commune's two boards; the other commune's is not compiled
    assert DeviceManifest.objects.filter(device=b1).count() == versions + 1
    assert CommandRecord.objects.filter(device=b1, type="manifest-changed").count() == commands + 1


def test_services_recompile_after_commit(commune: Any, django_capture_on_commit_callbacks: Any) -> None:
    b1 = board(commune, "EB-7")
    with django_capture_on_commit_callbacks(execute=True):
        playlist(commune, "Mặc định", [text_item(commune, "Xin chào")], default=True)
    assert any(headings(w) == ["Xin chào"] for w in manifest(b1)["items"])


def test_archived_or_expired_items_leave_the_board(
    setup: dict[str, Any], commune: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from nguon.boards.services.items import archive_item

    short = text_item(commune, "Hết hạn lúc 9 giờ", valid_until=local(DAY, 9))
    gone = text_item(commune, "Sẽ lưu trữ")
    schedule(commune, "Cả ngày", playlist(commune, "Cả ngày", [short, gone]), time(6, 0), time(20, 0))
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    b1 = setup["b1"]
    assert headings(window_at(b1, local(DAY, 8))) == ["Hết hạn lúc 9 giờ", "Sẽ lưu trữ"]
    assert headings(window_at(b1, local(DAY, 9))) == ["Sẽ lưu trữ"]
    # archived on the compile's day, not the day the tests run: gone from the next morning on
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: local(DAY, 10, 30))
        archive_item(actor=SYSTEM, item=gone)
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    # nothing left in the schedule's playlist: the default fills the rest of the day
    assert headings(window_at(b1, local(DAY + timedelta(days=1), 8))) == ["Chào mừng đến xã Định Hóa"]
