"""Emergency broadcasts: start at once on every device of a unit, stop everywhere.

Connected devices get signed ``emergency-start`` / ``emergency-stop`` commands; every device's manifest
carries the emergency too, so a device that was offline joins (or leaves) it when it reconnects. Speaker
clusters play an audio item; e-boards show a banner (:func:`start_banner_on`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.content.models import MediaBlob
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.choices import CommandType, DeviceKind
from nguon.devices.models import Device, EmergencyBroadcast
from nguon.devices.services.actors import actor_label
from nguon.devices.services.commands import send_commands
from nguon.devices.services.manifests import playable_item, refresh_emergencies
from nguon.units.models import AdministrativeUnit

_FIELDS = ("title", "repeat", "started_at", "started_by", "stopped_at", "stopped_by")


def _commandable(actor: Any, unit: AdministrativeUnit) -> list[Device]:
    devices = Device.objects.filter(unit__path__startswith=unit.path, retired_on__isnull=True).select_related(
        "unit"
    )
    allowed: dict[int, bool] = {}
    out = []
    for device in devices:
        if device.unit_id not in allowed:
            allowed[device.unit_id] = access.can(
                actor, access.BROADCAST_OPERATE, unit=device.unit
            ) or access.can(actor, access.DEVICES_MANAGE, unit=device.unit)
        if allowed[device.unit_id]:
            out.append(device)
    return out


def start_emergency(
    *, actor: Any, unit: AdministrativeUnit, blob: MediaBlob, title: str, repeat: int = 1
) -> EmergencyBroadcast:
    """Put ``blob`` on air at once on every device under ``unit`` that ``actor`` may command."""
    if not (
        access.can(actor, access.BROADCAST_OPERATE, unit=unit)
        or access.can(actor, access.DEVICES_MANAGE, unit=unit)
    ):
        access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    if not 1 <= repeat <= 100:
        raise ValidationError({"repeat": "Số lần phát phải từ 1 đến 100."})
    if blob.kind != "audio":
        raise ValidationError({"media": "Phát khẩn cấp cần một tệp âm thanh."})
    devices = _commandable(actor, unit)
    if not devices:
        raise ValidationError({"unit": "Không có thiết bị nào để phát."})
    return start_emergency_on(actor=actor, unit=unit, devices=devices, blob=blob, title=title, repeat=repeat)


def start_emergency_on(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    devices: list[Device],
    blob: MediaBlob,
    title: str,
    repeat: int = 1,
) -> EmergencyBroadcast:
    """Put ``blob`` on air at once on exactly ``devices`` (chosen by the caller, e.g. the speaker clusters
    of an emergency order's units); the broadcast is placed at ``unit``. ``send_commands`` checks that
    ``actor`` may command each device's commune."""
    if not 1 <= repeat <= 100:
        raise ValidationError({"repeat": "Số lần phát phải từ 1 đến 100."})
    if blob.kind != "audio":
        raise ValidationError({"media": "Phát khẩn cấp cần một tệp âm thanh."})
    if not devices:
        raise ValidationError({"unit": "Không có thiết bị nào để phát."})
    with transaction.atomic():
        broadcast = EmergencyBroadcast.objects.create(
            unit=unit,
            title=title.strip()[:300] or "Phát khẩn cấp",
            item={},
            repeat=repeat,
            started_at=timezone.now(),
            started_by=actor_label(actor),
        )
        broadcast.item = playable_item(blob, item_id=broadcast.protocol_id, title=broadcast.title)
        broadcast.save(update_fields=["item"])
        broadcast.devices.set(devices)
        refresh_emergencies(actor=actor, devices=devices, broadcast=broadcast)
        send_commands(
            actor=actor,
            devices=devices,
            type=CommandType.EMERGENCY_START,
            body={"id": broadcast.protocol_id, "item": broadcast.item, "repeat": repeat},
        )
        audit.record(
            actor=actor,
            action="devices.emergency.start",
            target=broadcast,
            unit=unit,
            after={**audit.snapshot(broadcast, _FIELDS), "devices": len(devices), "media": blob.sha256},
        )
    return broadcast


def banner_item(*, item_id: str, heading: str, body: str = "") -> dict[str, Any]:
    """The protocol's ``item`` of an e-board emergency: a banner (heading, body) shown over whatever plays
    until the emergency stops; no media, ``duration_ms`` 0."""
    banner: dict[str, Any] = {"heading": nfc(heading)[:300] or "Thông báo khẩn cấp"}
    if body := nfc(body):
        banner["body"] = body[:2000]
    return {"id": item_id, "title": banner["heading"], "duration_ms": 0, "banner": banner}


def start_banner_on(
    *, actor: Any, unit: AdministrativeUnit, devices: list[Device], heading: str, body: str = ""
) -> EmergencyBroadcast:
    """Show an emergency banner at once on exactly ``devices`` (e-boards): one broadcast whose item is a
    ``banner``, put into the boards' manifests in this transaction and sent as signed ``emergency-start``
    commands to the connected ones. :func:`stop_emergency` ends it like any other broadcast."""
    if not devices:
        raise ValidationError({"unit": "Không có bảng tin nào để hiển thị."})
    if any(d.kind != DeviceKind.EBOARD for d in devices):
        raise ValidationError({"devices": "Băng rôn khẩn cấp chỉ dành cho bảng tin điện tử."})
    with transaction.atomic():
        broadcast = EmergencyBroadcast.objects.create(
            unit=unit,
            title=nfc(heading)[:300] or "Thông báo khẩn cấp",
            item={},
            repeat=1,
            started_at=timezone.now(),
            started_by=actor_label(actor),
        )
        broadcast.item = banner_item(item_id=broadcast.protocol_id, heading=heading, body=body)
        broadcast.save(update_fields=["item"])
        broadcast.devices.set(devices)
        refresh_emergencies(actor=actor, devices=devices, broadcast=broadcast)
        send_commands(
            actor=actor,
            devices=devices,
            type=CommandType.EMERGENCY_START,
            body={"id": broadcast.protocol_id, "item": broadcast.item, "repeat": 1},
        )
        audit.record(
            actor=actor,
            action="devices.emergency.banner_start",
            target=broadcast,
            unit=unit,
            after={**audit.snapshot(broadcast, _FIELDS), "devices": len(devices)},
        )
    return broadcast


def stop_emergency(*, actor: Any, broadcast: EmergencyBroadcast) -> EmergencyBroadcast:
    """End the broadcast on every device that has it; they return to their schedule."""
    if not (
        access.can(actor, access.BROADCAST_OPERATE, unit=broadcast.unit)
        or access.can(actor, access.DEVICES_MANAGE, unit=broadcast.unit)
    ):
        access.require(actor, access.BROADCAST_OPERATE, unit=broadcast.unit)
    with transaction.atomic():
        locked = EmergencyBroadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.stopped_at is not None:
            return locked
        before = audit.snapshot(locked, _FIELDS)
        locked.stopped_at, locked.stopped_by = timezone.now(), actor_label(actor)
        locked.save(update_fields=["stopped_at", "stopped_by"])
        devices = list(locked.devices.select_related("unit"))
        refresh_emergencies(actor=actor, devices=devices, broadcast=locked)
        send_commands(
            actor=access.SystemActor("emergency"), devices=devices, type=CommandType.EMERGENCY_STOP, body={}
        )
        audit.record(
            actor=actor,
            action="devices.emergency.stop",
            target=locked,
            unit=locked.unit,
            before=before,
            after=audit.snapshot(locked, _FIELDS),
        )
    return locked
