"""Every computed figure equals the same figure counted directly from the raw rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from nguon.devices.models import Device, HeartbeatSample, PlayReceipt
from nguon.feedback.choices import Status
from nguon.feedback.models import Feedback
from nguon.feedback.tests.fixtures import submit
from nguon.reports.periods import parse
from nguon.reports.selectors.tables import table
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, fleet, province

pytestmark = pytest.mark.django_db
PERIOD = parse("2026-Y")


def _raw_fleet(unit: Any, kind: str) -> tuple[int, int]:
    last, end = PERIOD.last_day, PERIOD.end
    total = working = 0
    for device in Device.objects.filter(unit=unit, kind=kind):
        installed = device.installed_on <= last if device.installed_on else device.created_at < end
        retired = device.retired_on is not None and device.retired_on <= last
        if installed and not retired:
            total += 1
            samples = HeartbeatSample.objects.filter(device=device)
            if any(end - timedelta(days=7) <= s.bucket_start < end for s in samples):
                working += 1
    return total, working


def _raw_broadcasts(unit: Any) -> tuple[int, Decimal, int]:
    count, seconds, emergency = 0, 0.0, 0
    for receipt in PlayReceipt.objects.filter(device__unit=unit):
        if receipt.result == "played" and PERIOD.start <= receipt.started_at < PERIOD.end:
            count += 1
            seconds += (receipt.ended_at - receipt.started_at).total_seconds()
            emergency += receipt.is_emergency
    return count, (Decimal(seconds) / 60).quantize(Decimal("0.1")), emergency


def test_fleet_and_broadcast_figures_equal_the_raw_rows(monkeypatch: Any) -> None:
    fleet(PERIOD)
    result = table(PERIOD, province())
    rows = {row.unit.code: row.values for row in result.rows}
    assert len(result.rows) == 92
    for code in (DINH_HOA, PHO_YEN):
        unit = commune(code)
        clusters, working = _raw_fleet(unit, "speaker_cluster")
        boards, boards_working = _raw_fleet(unit, "eboard")
        count, minutes, emergency = _raw_broadcasts(unit)
        assert (rows[code]["clusters"], rows[code]["clusters_working"]) == (clusters, working)
        assert (rows[code]["eboards"], rows[code]["eboards_working"]) == (boards, boards_working)
        assert (
            rows[code]["broadcasts"],
            rows[code]["broadcast_minutes"],
            rows[code]["emergency_broadcasts"],
        ) == (
            count,
            minutes,
            emergency,
        )
    assert rows[DINH_HOA]["clusters"] == 2  # the retired one is not counted
    assert rows[PHO_YEN]["clusters"] == 1  # nor the one installed after the period
    assert rows[DINH_HOA]["broadcast_minutes"] == Decimal("4.0")
    assert result.totals["broadcasts"] == 3
    assert result.totals["stations_it"] == 1
    assert result.totals["stations_fm"] == 1
    assert len(result.missing) == 92  # no commune has sent its entered figures


def test_feedback_figures_equal_the_raw_rows() -> None:
    inside = PERIOD.start + timedelta(days=20)
    made = [submit(), submit(description="Đường liên thôn Bản Cọ bị sạt lở một đoạn dài khoảng 20 mét.")]
    Feedback.objects.filter(pk=made[0].pk).update(
        received_at=inside,
        due_at=inside + timedelta(days=5),
        answered_at=inside + timedelta(days=3),
        status=Status.ANSWERED,
    )
    Feedback.objects.filter(pk=made[1].pk).update(received_at=inside, due_at=inside + timedelta(days=5))
    row = next(r for r in table(PERIOD, province()).rows if r.unit.code == DINH_HOA)
    raw = list(Feedback.objects.filter(unit=commune(DINH_HOA)))
    received = sum(PERIOD.start <= f.received_at < PERIOD.end for f in raw)
    handled = sum(f.answered_at is not None and PERIOD.start <= f.answered_at < PERIOD.end for f in raw)
    on_time = sum(f.answered_at is not None and f.answered_at <= f.due_at for f in raw)
    overdue = sum(f.answered_at is None and f.due_at < PERIOD.end for f in raw)
    assert (row.values["feedback_received"], row.values["feedback_handled"]) == (received, handled) == (2, 1)
    assert (row.values["feedback_on_time"], row.values["feedback_overdue"]) == (on_time, overdue) == (1, 1)
