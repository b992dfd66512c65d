"""Signed commands: numbered per device, recorded, then published after the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.devices.choices import CommandType
from nguon.devices.models import CommandRecord, Device
from nguon.devices.protocol import topics
from nguon.devices.protocol.commands import encode, sign_command
from nguon.devices.protocol.validation import MessageInvalidError
from nguon.devices.publisher import PublishError, get_publisher
from nguon.devices.services.actors import actor_label, actor_user
from nguon.devices.signing import server_key

log = logging.getLogger(__name__)

#: Commands that put something on air or take it off: broadcast operators may send them too.
BROADCAST_COMMANDS = frozenset(
    {
        CommandType.PLAY_NOW,
        CommandType.EMERGENCY_START,
        CommandType.EMERGENCY_STOP,
        CommandType.STOP,
        CommandType.LIVE_START,
        CommandType.LIVE_STOP,
    }
)
#: Sent by the system itself (``set_manifest``), never by hand.
INTERNAL_COMMANDS = frozenset({CommandType.MANIFEST_CHANGED})


def _check_allowed(actor: Any, device: Device, command_type: str) -> None:
    if command_type in INTERNAL_COMMANDS and not isinstance(actor, access.SystemActor):
        raise ValidationError({"type": "Lệnh này do hệ thống tự gửi."})
    if command_type in BROADCAST_COMMANDS and access.can(actor, access.BROADCAST_OPERATE, unit=device.unit):
        return
    access.require(actor, access.DEVICES_MANAGE, unit=device.unit)


def _media_of(body: dict[str, Any]) -> str:
    item = body.get("item")
    if isinstance(item, dict) and isinstance(item.get("media"), dict):
        return str(item["media"].get("sha256", ""))
    return ""


def send_command(
    *, actor: Any, device: Device, type: str, body: dict[str, Any] | None = None
) -> CommandRecord:
    """Sign and record one command for ``device``; it is published when the caller's transaction commits."""
    if type not in CommandType.values:
        raise ValidationError({"type": "Lệnh không hợp lệ."})
    _check_allowed(actor, device, type)
    key = server_key()
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        seq = locked.last_command_seq + 1
        now = timezone.now()
        try:
            envelope = sign_command(key, device=locked.device_id, seq=seq, type=type, body=body or {}, ts=now)
        except MessageInvalidError as error:
            raise ValidationError({"body": f"Nội dung lệnh không hợp lệ ({error})."}) from None
        locked.last_command_seq = seq
        locked.save(update_fields=["last_command_seq"])
        device.last_command_seq = seq
        record = CommandRecord.objects.create(
            device=locked,
            seq=seq,
            type=type,
            body=envelope["body"],
            envelope=envelope,
            media_sha256=_media_of(envelope["body"]),
            signed_at=now,
            issued_by=actor_user(actor),
            issued_by_label=actor_label(actor),
        )
        audit.record(
            actor=actor,
            action="devices.command.send",
            target=locked,
            unit=locked.unit,
            after={"seq": seq, "type": type, "body": envelope["body"]},
        )
        transaction.on_commit(lambda: publish_commands([record.pk]))
    return record


def send_commands(
    *, actor: Any, devices: Iterable[Device], type: str, body: dict[str, Any] | None = None
) -> list[CommandRecord]:
    """The same command to many devices (an emergency to a commune, say): one transaction, one audit
    event per commune, one signature per device, published together after the commit."""
    if type not in CommandType.values:
        raise ValidationError({"type": "Lệnh không hợp lệ."})
    targets = sorted({d.pk: d for d in devices}.values(), key=lambda d: d.pk)
    if not targets:
        return []
    checked: set[int] = set()
    for device in targets:
        if device.unit_id not in checked:
            _check_allowed(actor, device, type)
            checked.add(device.unit_id)
    key = server_key()
    body = body or {}
    records: list[CommandRecord] = []
    with transaction.atomic():
        locked = list(
            Device.objects.select_for_update().filter(pk__in=[d.pk for d in targets]).order_by("pk")
        )
        now = timezone.now()
        for index, device in enumerate(locked):
            device.last_command_seq += 1
            try:
                envelope = sign_command(
                    key,
                    device=device.device_id,
                    seq=device.last_command_seq,
                    type=type,
                    body=body,
                    ts=now,
                    check=index == 0,
                )
            except MessageInvalidError as error:
                raise ValidationError({"body": f"Nội dung lệnh không hợp lệ ({error})."}) from None
            records.append(
                CommandRecord(
                    device=device,
                    seq=device.last_command_seq,
                    type=type,
                    body=envelope["body"],
                    envelope=envelope,
                    media_sha256=_media_of(envelope["body"]),
                    signed_at=now,
                    issued_by=actor_user(actor),
                    issued_by_label=actor_label(actor),
                )
            )
        Device.objects.bulk_update(locked, ["last_command_seq"], batch_size=500)
        CommandRecord.objects.bulk_create(records, batch_size=500)
        by_unit: dict[int, list[Device]] = {}
        for device in locked:
            by_unit.setdefault(device.unit_id, []).append(device)
        for unit_devices in by_unit.values():
            audit.record(
                actor=actor,
                action="devices.command.fanout",
                unit=unit_devices[0].unit,
                after={"type": type, "body": body, "devices": [d.device_id for d in unit_devices]},
                target_label=f"{type} → {len(unit_devices)} thiết bị",
            )
        ids = [r.pk for r in records if r.pk is not None] or list(
            CommandRecord.objects.filter(device__in=locked, signed_at=now, type=type).values_list(
                "pk", flat=True
            )
        )
        transaction.on_commit(lambda: publish_commands(ids))
    return records


def publish_commands(record_ids: Iterable[int]) -> int:
    """Publish recorded commands (QoS 1) and stamp ``published_at``; returns how many were published.

    A broker outage is logged and leaves ``published_at`` empty: the command is not retried later,
    because by then it would be stale; send a new one.
    """
    records = list(
        CommandRecord.objects.filter(pk__in=list(record_ids), published_at__isnull=True).select_related(
            "device"
        )
    )
    if not records:
        return 0
    messages = [(topics.topic(r.device.device_id, topics.COMMAND), encode(r.envelope)) for r in records]
    try:
        get_publisher().publish_many(messages)
    except PublishError as error:
        log.warning("devices: %d command(s) not published: %s", len(records), error)
        return 0
    CommandRecord.objects.filter(pk__in=[r.pk for r in records]).update(published_at=timezone.now())
    return len(records)
