"""Live progress of an emergency order or a play-now batch, per targeted device, from what devices
reported: the signed command was published → acknowledged (accepted, or refused with a reason) →
started → finished (play receipts, and the heartbeat's "playing" for an item still on air).

One query per table (devices, states, commands, receipts), never one per device.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nguon.devices.choices import CommandType
from nguon.devices.models import CommandRecord, Device, DeviceState, PlayReceipt
from nguon.devices.protocol.timestamps import parse_ts
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import EmergencyOrder

#: Stages in the order a device goes through them; the label is what the screen shows.
STAGES: dict[str, Any] = {
    "waiting": _("Chờ phê duyệt"),
    "pending": _("Chưa gửi được lệnh"),
    "published": _("Đã gửi lệnh"),
    "refused": _("Thiết bị từ chối lệnh"),
    "acknowledged": _("Thiết bị đã nhận lệnh"),
    "started": _("Đang phát"),
    "finished": _("Đã phát xong"),
}


@dataclass
class DeviceProgress:
    device_id: str
    name: str
    unit: str
    online: bool | None
    stage: str
    published_at: datetime | None = None
    accepted_at: datetime | None = None
    refused_at: datetime | None = None
    refusal_reason: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    plays: int = 0
    result: str = ""
    stop_accepted_at: datetime | None = None

    @property
    def stage_label(self) -> str:
        return str(STAGES[self.stage])


@dataclass
class Progress:
    item_id: str
    devices: list[DeviceProgress] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STAGES, 0)
        for device in self.devices:
            counts[device.stage] += 1
        counts["total"] = len(self.devices)
        counts["online"] = sum(1 for d in self.devices if d.online)
        counts["offline"] = len(self.devices) - counts["online"]
        counts["communes"] = len({d.unit for d in self.devices})
        return counts

    @property
    def stage_rows(self) -> list[tuple[str, str, int]]:
        """(stage, label, how many devices) for the stages a device can be in here."""
        counts = self.counts
        return [(key, str(label), counts[key]) for key, label in STAGES.items()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "counts": self.counts,
            "stages": {key: str(label) for key, label in STAGES.items()},
            "devices": [_device_dict(d) for d in self.devices],
        }


def _device_dict(device: DeviceProgress) -> dict[str, Any]:
    values = asdict(device)
    values["stage_label"] = device.stage_label
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _build(
    *,
    item_id: str,
    devices: list[Device],
    commands: QuerySet[CommandRecord] | None,
    stop_commands: QuerySet[CommandRecord] | None,
    receipts: QuerySet[PlayReceipt] | None,
    waiting: bool = False,
) -> Progress:
    # Commands and receipts are already narrowed to this item; states go by the same device query.
    states = {
        s.device_id: s
        for s in DeviceState.objects.filter(device_id__in=[d.pk for d in devices]).only(
            "is_online", "heartbeat"
        )
    }
    latest: dict[int, CommandRecord] = {}
    if commands is not None:
        # the newest command per device wins: by signing time, since a device's own commands and its
        # group's are numbered apart
        for command in commands.order_by("device_id", "signed_at", "seq"):
            latest[command.device_id] = command
    stops: dict[int, CommandRecord] = {}
    if stop_commands is not None:
        for command in stop_commands.order_by("device_id", "signed_at", "seq"):
            stops[command.device_id] = command
    played: dict[int, list[PlayReceipt]] = {}
    if receipts is not None:
        for receipt in receipts.order_by("device_id", "started_at"):
            played.setdefault(receipt.device_id, []).append(receipt)
    progress = Progress(item_id=item_id)
    for device in devices:
        state = states.get(device.pk)
        row = DeviceProgress(
            device_id=device.device_id,
            name=device.name or device.serial,
            unit=device.unit.name,
            online=state.is_online if state is not None else None,
            stage="waiting" if waiting else "pending",
        )
        record = latest.get(device.pk)
        if record is not None:
            row.published_at, row.accepted_at = record.published_at, record.accepted_at
            row.refused_at, row.refusal_reason = record.refused_at, record.refusal_reason
        stop_record = stops.get(device.pk)
        if stop_record is not None:
            row.stop_accepted_at = stop_record.accepted_at
        plays = played.get(device.pk, [])
        heartbeat = (state.heartbeat if state is not None else None) or {}
        playing = heartbeat.get("playing") or {}
        # A heartbeat saying the item is playing counts only if that play began after the last receipt
        # (heartbeats and receipts travel separately; a repeat plays the item again).
        replaying = (
            parse_ts(str(playing["started_at"]))
            if playing.get("item") == item_id and playing.get("started_at")
            else None
        )
        if plays:
            row.plays = len(plays)
            row.started_at = min((p.started_at for p in plays if p.started_at), default=None)
            row.finished_at = max((p.ended_at for p in plays if p.ended_at), default=None)
            row.result = plays[-1].result
        elif replaying is not None:
            row.started_at = replaying
        if row.finished_at is not None and (replaying is None or replaying <= row.finished_at):
            row.stage = "finished"
        elif row.started_at is not None:
            row.stage = "started"
        elif row.refused_at is not None:
            row.stage = "refused"
        elif row.accepted_at is not None:
            row.stage = "acknowledged"
        elif row.published_at is not None:
            row.stage = "published"
        progress.devices.append(row)
    return progress


def order_progress(order: EmergencyOrder) -> Progress:
    """Per device progress of an emergency order (the caller fetched ``order`` through access)."""
    broadcast = order.broadcast
    if broadcast is None:
        from nguon.radio.services.emergencies import target_devices

        waiting = order.status == EmergencyStatus.AWAITING_APPROVAL
        return _build(
            item_id="",
            devices=target_devices(order.units.all()) if waiting else [],
            commands=None,
            stop_commands=None,
            receipts=None,
            waiting=waiting,
        )
    item_id = broadcast.protocol_id
    devices = list(broadcast.devices.select_related("unit").order_by("unit__path", "device_id"))
    commands = CommandRecord.objects.filter(type=CommandType.EMERGENCY_START, body__id=item_id)
    stops = (
        CommandRecord.objects.filter(
            type=CommandType.EMERGENCY_STOP,
            signed_at__gte=broadcast.stopped_at,
            device__in=broadcast.devices.values("pk"),
        )
        if broadcast.stopped_at is not None
        else None
    )
    receipts = PlayReceipt.objects.filter(item_id=item_id, is_emergency=True)
    return _build(item_id=item_id, devices=devices, commands=commands, stop_commands=stops, receipts=receipts)


def playnow_progress(*, user: Any, batch: str) -> Progress:
    """Per device progress of one play-now (the commands ``user`` may see that carry item ``batch``)."""
    from nguon.core import access

    commands = access.scope(
        user,
        CommandRecord.objects.filter(type=CommandType.PLAY_NOW, body__item__id=batch),
        access.BROADCAST_OPERATE,
    )
    devices = list(
        Device.objects.filter(pk__in=commands.values("device_id"))
        .select_related("unit")
        .order_by("unit__path", "device_id")
    )
    receipts = PlayReceipt.objects.filter(item_id=batch, is_emergency=False)
    return _build(item_id=batch, devices=devices, commands=commands, stop_commands=None, receipts=receipts)
