"""Signed commands: numbered per device (or per group), recorded, then published after the commit.

A fan-out (:func:`send_commands`) sends one *group command* (protocol level 2) to each command group
whose every holder is among the targets: one envelope, one publish on the group's topic, instead of one
per device. Devices outside such a group (level 1, a partial selection, a group of one) get their own.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
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
from nguon.devices.services import command_groups
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
            media_sha256=command_groups.media_of(envelope["body"]),
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
) -> Sequence[CommandRecord]:
    """The same command to many devices (an emergency to a commune, say): one transaction, one audit
    event per commune, one signature per whole command group (see the module) and one per other device,
    published together after the commit. Every device gets its own record either way; the returned
    records carry no ``pk`` (on PostgreSQL they are written with COPY: find them by ``batch``)."""
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
    batch = uuid.uuid4()
    parts: list[command_groups.Signed] = []
    messages: list[tuple[str, bytes]] = []

    def sign(seq: int, *, device: str = "", group: str = "") -> dict[str, Any]:
        try:
            envelope = sign_command(
                key, device=device, group=group, seq=seq, type=type, body=body, ts=now, check=not messages
            )
        except MessageInvalidError as error:
            raise ValidationError({"body": f"Nội dung lệnh không hợp lệ ({error})."}) from None
        address = topics.group_topic(group) if group else topics.topic(device, topics.COMMAND)
        messages.append((address, encode(envelope)))
        return envelope

    with transaction.atomic():
        groups = command_groups.whole_groups(targets)
        in_groups = {d.pk for members in groups.values() for d in members}
        locked = list(
            Device.objects.select_for_update()
            .filter(pk__in=[d.pk for d in targets if d.pk not in in_groups])
            .order_by("pk")
        )
        seqs = command_groups.next_seqs(list(groups))
        now = timezone.now()
        for group, members in groups.items():
            envelope = sign(seqs[group], group=group)
            parts.extend(command_groups.Signed(d, group, seqs[group], envelope) for d in members)
        for device in locked:
            device.last_command_seq += 1
            seq = device.last_command_seq
            parts.append(command_groups.Signed(device, "", seq, sign(seq, device=device.device_id)))
        Device.objects.bulk_update(locked, ["last_command_seq"], batch_size=500)
        common = command_groups.Common(type, now, actor_user(actor), actor_label(actor), batch)
        records = command_groups.FanOutRecords(parts, common)
        later = command_groups.FanOutRecords([p for p in parts if p.group], common)
        command_groups.insert_records(command_groups.FanOutRecords([p for p in parts if not p.group], common))
        by_unit: dict[int, list[Device]] = {}
        for device in targets:
            by_unit.setdefault(device.unit_id, []).append(device)
        audit.record_many(
            actor=actor,
            entries=[
                audit.Entry(
                    action="devices.command.fanout",
                    unit=unit_devices[0].unit,
                    after={
                        "type": type,
                        "body": body,
                        "batch": str(batch),
                        "devices": [d.device_id for d in unit_devices],
                        "groups": sorted(g for g, members in groups.items() if members[0].unit_id == unit_id),
                    },
                    target_label=f"{type} → {len(unit_devices)} thiết bị",
                )
                for unit_id, unit_devices in by_unit.items()
            ],
        )
        transaction.on_commit(lambda: publish_batch(batch, messages, later))
    return records


def publish_batch(
    batch: uuid.UUID, messages: list[tuple[str, bytes]], members: command_groups.FanOutRecords | None = None
) -> int:
    """Publish a fan-out's signed messages (QoS 1), exactly as they were signed, stamp the records already
    written with ``published_at``, then write the group members' records (``members``) stamped the same
    way; returns how many records are stamped. A broker outage is logged and leaves ``published_at``
    empty (see :func:`publish_commands`).

    Members are written only now so that ten thousand rows do not hold the commands back (docs/devices.md,
    Benchmarks): the commit before the publish already holds the group counters, the devices' own
    records and the audit events naming every device, the groups and the ``batch``. Answers that arrive
    first are matched from their events (:func:`command_groups.match_early_answers`)."""
    try:
        get_publisher().publish_many(messages)
    except PublishError as error:
        log.warning("devices: fan-out %s (%d message(s)) not published: %s", batch, len(messages), error)
        published_at = None
    else:
        published_at = timezone.now()
    stamped = 0
    if published_at is not None:
        stamped = CommandRecord.objects.filter(batch=batch, published_at__isnull=True).update(
            published_at=published_at
        )
    if members and _write_members(batch, members, published_at) and published_at is not None:
        stamped += len(members)
    return stamped


def _write_members(
    batch: uuid.UUID, members: command_groups.FanOutRecords, published_at: datetime | None
) -> bool:
    common = replace(members.common, published_at=published_at)
    try:
        with transaction.atomic():
            command_groups.lock_answers({p.group for p in members.parts}, shared=False)
            command_groups.insert_records(command_groups.FanOutRecords(members.parts, common))
            command_groups.match_early_answers(batch, common.signed_at)
    except Exception:  # the commands are out; the audit events still name every device of the batch
        log.exception(
            "devices: fan-out %s sent, but its %d group member record(s) not written", batch, len(members)
        )
        return False
    return True


def publish_commands(record_ids: Iterable[int]) -> int:
    """Publish recorded commands (QoS 1) and stamp ``published_at``; returns how many records were
    published (a group command is one message for all its records).

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
    messages: dict[tuple[str, int], tuple[str, bytes]] = {}  # a group command is published once
    for r in records:
        address = topics.group_topic(r.group) if r.group else topics.topic(r.device.device_id, topics.COMMAND)
        messages.setdefault((r.group or r.device.device_id, r.seq), (address, encode(r.envelope)))
    try:
        get_publisher().publish_many(messages.values())
    except PublishError as error:
        log.warning("devices: %d command(s) not published: %s", len(records), error)
        return 0
    CommandRecord.objects.filter(pk__in=[r.pk for r in records]).update(published_at=timezone.now())
    return len(records)
