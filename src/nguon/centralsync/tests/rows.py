"""Rows for the centralsync tests, written directly (the services of those apps are tested there)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from nguon.content.choices import Status
from nguon.content.models import Bulletin, Category
from nguon.devices.models import Device, DeviceState, PlayReceipt, RadioStation
from nguon.units.models import AdministrativeUnit


def bulletin(
    unit: AdministrativeUnit, title: str, *, status: str = Status.DISTRIBUTED, at: datetime
) -> Bulletin:
    row = Bulletin.objects.create(
        unit=unit,
        source_level="commune" if unit.level == "commune" else "province",
        title=title,
        body="<p>Nội dung</p>",
        body_text="Nội dung",
        category=Category.objects.get(code="chinh-sach-phap-luat"),
        status=status,
        live_revision=1 if status in (Status.DISTRIBUTED, Status.WITHDRAWN) else None,
        distributed_at=at if status in (Status.DISTRIBUTED, Status.WITHDRAWN) else None,
        first_distributed_at=at if status in (Status.DISTRIBUTED, Status.WITHDRAWN) else None,
        withdrawn_at=at if status == Status.WITHDRAWN else None,
    )
    Bulletin.objects.filter(pk=row.pk).update(updated_at=at)  # auto_now: set the time afterwards
    row.refresh_from_db()
    return row


def device(
    unit: AdministrativeUnit, device_id: str, *, kind: str = "speaker_cluster", at: datetime
) -> Device:
    row = Device.objects.create(device_id=device_id, kind=kind, serial=f"S-{device_id}", unit=unit)
    Device.objects.filter(pk=row.pk).update(created_at=at)
    row.refresh_from_db()
    return row


def station(unit: AdministrativeUnit, *, kind: str = "it_telecom", at: datetime) -> RadioStation:
    row = RadioStation.objects.create(unit=unit, name=f"Đài {unit.name}", kind=kind)
    RadioStation.objects.filter(pk=row.pk).update(created_at=at)
    row.refresh_from_db()
    return row


def online(device: Device, *, at: datetime, is_online: bool = True) -> DeviceState:
    state, _ = DeviceState.objects.update_or_create(
        device=device,
        defaults={"is_online": is_online, "online_changed_at": at, "last_heartbeat_at": at},
    )
    return state


def receipt(
    device: Device, n: int, start: datetime, seconds: float, *, result: str = "played", **extra: Any
) -> PlayReceipt:
    return PlayReceipt.objects.create(
        device=device,
        receipt_id=f"r-{device.pk}-{n}",
        item_id="it",
        manifest_version=1,
        started_at=start,
        ended_at=start + timedelta(seconds=seconds),
        result=result,
        received_at=timezone.now(),
        **extra,
    )
