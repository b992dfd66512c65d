"""Rows for the report tests: a period's worth of stations, devices, heartbeats, receipts and feedback in two
communes, written directly (the services of those apps are tested in their apps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from nguon.devices.models import Device, HeartbeatSample, PlayReceipt, RadioStation
from nguon.reports.periods import Period
from nguon.units.models import AdministrativeUnit

DINH_HOA, PHO_YEN = "05569", "05443"


def commune(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, level="commune", is_current=True)


def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="19", level="province", is_current=True)


def fleet(period: Period) -> dict[str, Any]:
    """Two communes: stations, clusters (some silent, one retired before the end, one installed after),
    an e-board, and receipts inside and outside the period."""
    made: dict[str, Any] = {"receipts": []}
    a, b = commune(DINH_HOA), commune(PHO_YEN)
    RadioStation.objects.create(unit=a, name="Đài Định Hóa", kind="it_telecom")
    RadioStation.objects.create(unit=b, name="Đài Phổ Yên", kind="fm")
    last = period.last_day
    devices = [
        Device.objects.create(
            device_id="d-rep000001",
            kind="speaker_cluster",
            serial="R1",
            unit=a,
            installed_on=period.first_day,
        ),
        Device.objects.create(
            device_id="d-rep000002",
            kind="speaker_cluster",
            serial="R2",
            unit=a,
            installed_on=period.first_day,
        ),
        Device.objects.create(
            device_id="d-rep000003",
            kind="speaker_cluster",
            serial="R3",
            unit=a,
            retired_on=last - timedelta(days=3),
        ),
        Device.objects.create(
            device_id="d-rep000004",
            kind="speaker_cluster",
            serial="R4",
            unit=b,
            installed_on=last + timedelta(days=1),
        ),
        Device.objects.create(
            device_id="d-rep000005",
            kind="speaker_cluster",
            serial="R5",
            unit=b,
            installed_on=period.first_day,
        ),
        Device.objects.create(
            device_id="d-rep000006", kind="eboard", serial="R6", unit=b, installed_on=period.first_day
        ),
    ]
    made["devices"] = devices
    end = period.end
    for device in (devices[0], devices[4], devices[5]):  # alive in the last week
        HeartbeatSample.objects.create(
            device=device, bucket_start=end - timedelta(days=2), received_at=end, data={}
        )
    HeartbeatSample.objects.create(  # devices[1] was seen only long before the end
        device=devices[1], bucket_start=end - timedelta(days=30), received_at=end, data={}
    )
    inside = period.start + timedelta(days=10)

    def receipt(
        device: Device, n: int, at: datetime, seconds: int, *, result: str = "played", emergency: bool = False
    ) -> None:
        made["receipts"].append(
            PlayReceipt.objects.create(
                device=device,
                receipt_id=f"r-{device.pk}-{n}",
                item_id="it",
                manifest_version=1,
                started_at=at,
                ended_at=at + timedelta(seconds=seconds),
                result=result,
                is_emergency=emergency,
                received_at=timezone.now(),
            )
        )

    receipt(devices[0], 1, inside, 90)
    receipt(devices[0], 2, inside + timedelta(hours=1), 150, emergency=True)
    receipt(devices[1], 3, inside, 60, result="interrupted")  # not played to the end: not counted
    receipt(devices[4], 4, inside, 30)
    receipt(devices[4], 5, period.start - timedelta(seconds=1), 600)  # before the period
    receipt(devices[4], 6, period.end, 600)  # after it
    return made
