"""``nguon demo load`` gives six provisioned demo e-boards with compiled content: a default playlist, the
approved flood warning in the daytime, a higher-priority evening schedule on one board; idempotent."""

from __future__ import annotations

import io
from datetime import datetime, time
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from nguon.boards.models import BoardItem, BoardSchedule, Playlist
from nguon.boards.selectors.timeline import tz
from nguon.core import audit
from nguon.demo.boards import BOARDS, WARNING_TITLE
from nguon.devices.models import Device, DeviceCredential, DeviceManifest
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.protocol.validation import validate

pytestmark = pytest.mark.django_db


def _latest(device: Device) -> DeviceManifest:
    manifest = DeviceManifest.objects.filter(device=device).order_by("-version").first()
    assert manifest is not None, device.serial
    return manifest


def _window_at(device: Device, moment: datetime) -> dict[str, Any] | None:
    for item in _latest(device).body["items"]:
        start = parse_ts(item["start"])
        if start <= moment and (moment - start).total_seconds() * 1000 < item["duration_ms"]:
            return dict(item)
    return None


def _today_at(hour: int) -> datetime:
    return datetime.combine(timezone.now().astimezone(tz()).date(), time(hour), tz())


def _counts() -> tuple[int, ...]:
    return (
        Device.objects.filter(kind="eboard").count(),
        DeviceCredential.objects.filter(device__kind="eboard", revoked_at__isnull=True).count(),
        BoardItem.objects.count(),
        Playlist.objects.count(),
        BoardSchedule.objects.count(),
        DeviceManifest.objects.filter(device__kind="eboard").count(),
    )


def test_demo_boards_are_provisioned_scheduled_and_compiled_once(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "load", stdout=out)
    first = _counts()
    assert "Demo e-boards: 6 (6 new, 6 provisioned" in out.getvalue()
    assert "Demo e-board manifests: 6 boards compiled, 6 changed" in out.getvalue()
    again = io.StringIO()
    call_command("demo", "load", stdout=again)
    assert _counts() == first  # nothing new: no board, credential, item, playlist, schedule or manifest
    assert "Demo e-boards: 6 (0 new, 0 provisioned" in again.getvalue()
    assert "Demo e-board manifests: up to date" in again.getvalue()
    assert (tmp_path / "demo" / "eboard-bundles.json").stat().st_mode & 0o777 == 0o600

    boards = {d.serial: d for d in Device.objects.filter(kind="eboard")}
    assert sorted(boards) == sorted(b.serial for b in BOARDS)
    assert {d.unit.code for d in boards.values()} == {"05569", "05860", "05443"}
    assert {(d.panel, d.resolution) for d in boards.values()} == {
        ("led", "192x96"),
        ("led", "384x192"),
        ("lcd", "1920x1080"),
    }
    assert all(d.size_m2 and d.size_m2 > 0 for d in boards.values())
    assert Playlist.objects.filter(is_default=True).count() == 3
    for device in boards.values():
        body = _latest(device).body
        assert body["mode"] == "eboard"
        validate("manifest", {**body, "sig": "-"})
        # before 07:00 the commune's default content: its announcement and a clock
        early = _window_at(device, _today_at(6))
        assert early is not None
        assert early["source"]["type"] == "board-default"
        assert [s["kind"] for s in early["slides"]][-1] == "clock"
        # at noon the approved flood warning as slides, then the daytime announcement
        noon = _window_at(device, _today_at(12))
        assert noon is not None
        assert noon["source"]["type"] == "board-schedule"
        sources = [s["source"]["type"] for s in noon["slides"]]
        assert sources[0] == "bulletin"
        assert noon["slides"][0]["heading"] == WARNING_TITLE
        assert noon["slides"][0]["theme"] == "alert"
        assert sources[-1] == "board-item"

    # the evening schedule (higher priority) wins on one board per place, the others keep the daytime
    evening = {
        serial
        for serial, device in boards.items()
        if (window := _window_at(device, _today_at(19))) is not None and window["title"] == "Buổi tối"
    }
    assert evening == {"DEMO-EB-05569-01", "DEMO-EB-05860-01", "DEMO-EB-05443-01"}
    daytime = _window_at(boards["DEMO-EB-05569-02"], _today_at(19))
    assert daytime is not None
    assert daytime["title"] == "Ban ngày"
    assert audit.verify().ok
