"""Play now (phát ngay): one audio file at once on the speaker clusters of a commune, of some of its
residential units or of a device group — signed ``play-now`` commands, one per device. The devices
play it once and go back to their schedule. Every command of one play-now shares the item id
(``pn-…``), which is how the progress view finds the batch again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from nguon.content.models import MediaBlob
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.choices import CommandType, DeviceKind
from nguon.devices.models import CommandRecord, Device, DeviceGroup
from nguon.devices.services.commands import send_commands
from nguon.devices.services.manifests import playable_item
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

BATCH_PREFIX = "pn-"


def new_batch_id() -> str:
    return f"{BATCH_PREFIX}{uuid.uuid4().hex[:20]}"


def playnow_devices(
    *,
    unit: AdministrativeUnit,
    residential_units: Sequence[AdministrativeUnit] | None = None,
    group: DeviceGroup | None = None,
) -> list[Device]:
    """The speaker clusters (not retired) a play-now reaches; checks that the choice belongs to ``unit``."""
    if residential_units and group is not None:
        raise ValidationError({"target": "Chọn thôn, tổ dân phố hoặc một nhóm thiết bị, không chọn cả hai."})
    devices = Device.objects.filter(
        unit__path__startswith=unit.path, kind=DeviceKind.SPEAKER_CLUSTER, retired_on__isnull=True
    )
    if residential_units:
        for place in residential_units:
            if place.level != UnitLevel.RESIDENTIAL or not place.path.startswith(unit.path):
                raise ValidationError(
                    {"residential_units": f"{place.full_name} không thuộc {unit.full_name}."}
                )
        devices = devices.filter(residential_unit__in=list(residential_units))
    elif group is not None:
        if not group.unit.path.startswith(unit.path):
            raise ValidationError({"group": f"Nhóm {group.name} không thuộc {unit.full_name}."})
        devices = devices.filter(Q(groups=group))
    return list(devices.select_related("unit").order_by("pk").distinct())


def play_now(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    blob: MediaBlob,
    title: str,
    residential_units: Sequence[AdministrativeUnit] | None = None,
    group: DeviceGroup | None = None,
) -> Sequence[CommandRecord]:
    """Play ``blob`` at once on the speaker clusters of ``unit`` (or of the chosen residential units, or
    of ``group``). Returns the signed commands; they are published when the transaction commits."""
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    clean_title = nfc(title).strip()
    if not clean_title:
        raise ValidationError({"title": "Nhập tiêu đề cho lần phát ngay."})
    if len(clean_title) > 300:
        raise ValidationError({"title": "Tiêu đề dài quá 300 ký tự."})
    if blob.kind != "audio":
        raise ValidationError({"blob": "Phát ngay cần một tệp âm thanh."})
    devices = playnow_devices(unit=unit, residential_units=residential_units, group=group)
    if not devices:
        raise ValidationError({"target": "Nơi đã chọn không có cụm loa nào đang hoạt động."})
    batch = new_batch_id()
    item = playable_item(blob, item_id=batch, title=clean_title)
    with transaction.atomic():
        records = send_commands(actor=actor, devices=devices, type=CommandType.PLAY_NOW, body={"item": item})
        audit.record(
            actor=actor,
            action="radio.playnow.send",
            unit=unit,
            target_label=clean_title[:200],
            after={
                "batch": batch,
                "title": clean_title,
                "media": blob.sha256,
                "devices": [d.device_id for d in devices],
                "residential_units": [u.code for u in residential_units or []],
                "group": group.pk if group is not None else None,
            },
        )
    return records
