"""Telemetry ingest: one MQTT message in, rows out. Bad input is dropped with one log line.

Called by the ingest loop (``nguon devices ingest``) for every message on ``nguon/v1/d/+/tele/+`` and
``nguon/v1/d/+/status``. The topic's device id is trustworthy (the broker's ACL lets a device publish
only under its own id); the message must say the same id and follow its schema. Receipts are stored
once per (device, receipt id) and acknowledged either way, so the device can drop them from its spool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from nguon.devices.models import CommandRecord, Device, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.telemetry import Telemetry, TelemetryRejectedError, parse_telemetry
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.services import command_groups

log = logging.getLogger("nguon.devices.ingest")


@dataclass
class Outcome:
    """What one message did: ``stored`` or ``duplicate`` or ``dropped`` (with ``reason``)."""

    result: str
    leaf: str = ""
    device_id: str = ""
    reason: str = ""
    ack_ids: list[str] = field(default_factory=list)


def optional_ts(value: Any) -> datetime | None:
    return parse_ts(value) if isinstance(value, str) else None


def heartbeat_bucket(moment: datetime) -> datetime:
    epoch = int(moment.timestamp())
    start = epoch - epoch % HeartbeatSample.BUCKET_SECONDS
    return datetime.fromtimestamp(start, UTC)


def _heartbeat(device: Device, message: dict[str, Any], now: datetime) -> None:
    DeviceState.objects.update_or_create(
        device=device, defaults={"last_heartbeat_at": now, "heartbeat": message}
    )
    HeartbeatSample.objects.bulk_create(
        [HeartbeatSample(device=device, bucket_start=heartbeat_bucket(now), received_at=now, data=message)],
        ignore_conflicts=True,
    )
    firmware, level = message["firmware"], message["protocol"]
    if device.firmware != firmware or device.protocol_level != level:
        Device.objects.filter(pk=device.pk).update(firmware=firmware, protocol_level=level)


def _receipt(device: Device, message: dict[str, Any], now: datetime) -> str:
    try:
        with transaction.atomic():
            PlayReceipt.objects.create(
                device=device,
                receipt_id=message["id"],
                item_id=message["item"],
                media_sha256=message.get("media") or "",
                manifest_version=message["manifest_version"],
                scheduled_at=optional_ts(message.get("scheduled_at")),
                started_at=optional_ts(message.get("started_at")),
                ended_at=optional_ts(message.get("ended_at")),
                result=message["result"],
                is_emergency=bool(message.get("emergency", False)),
                detail=message.get("detail", ""),
                received_at=now,
            )
    except IntegrityError:
        return "duplicate"
    return "stored"


def _event(device: Device, message: dict[str, Any], now: datetime) -> None:
    kind, seq = message["kind"], message.get("seq")
    DeviceEvent.objects.create(
        device=device,
        kind=kind,
        occurred_at=optional_ts(message.get("ts")),
        received_at=now,
        seq=seq,
        group=message.get("group") or "",
        command=message.get("command") or "",
        reason=message.get("reason", ""),
        detail=message.get("detail", ""),
    )
    if seq is None or kind not in {"command-accepted", "command-refused"}:
        return
    if message.get("group"):  # its member records are written just after the publish: wait for them
        command_groups.lock_answers([message["group"]], shared=True)
    pending = CommandRecord.objects.filter(  # a group command's seq counts per group (protocol level 2)
        device=device,
        group=message.get("group") or "",
        seq=seq,
        accepted_at__isnull=True,
        refused_at__isnull=True,
    )
    if kind == "command-accepted":
        pending.update(accepted_at=now)
    else:
        pending.update(refused_at=now, refusal_reason=message.get("reason", "")[:64])


def record_status(device: Device, message: dict[str, Any], now: datetime) -> None:
    online = message["state"] == "online"
    state, _ = DeviceState.objects.select_for_update().get_or_create(device=device)
    if state.is_online == online and state.online_changed_at is not None:
        return  # the retained message again (the ingest reconnected), or a repeated will
    state.is_online, state.online_changed_at = online, now
    state.save(update_fields=["is_online", "online_changed_at"])
    DeviceEvent.objects.create(
        device=device,
        kind="connected" if online else "disconnected",
        occurred_at=optional_ts(message.get("ts")),
        received_at=now,
    )


def dropped(reason: str, topic: str, detail: str = "") -> Outcome:
    log.warning("ingest: dropped message on %s: %s %s", topic[:200], reason, detail[:300])
    return Outcome("dropped", reason=reason)


def handle_message(topic: str, payload: bytes, *, now: datetime | None = None) -> Outcome:
    """Validate and store one message; never raises for bad input."""
    now = now or timezone.now()
    try:
        telemetry: Telemetry = parse_telemetry(topic, payload)
    except TelemetryRejectedError as error:
        return dropped(error.reason, topic, error.detail)
    except RecursionError:  # JSON nested too deep for the parser: bad input like any other
        return dropped("not-json", topic, "nested too deeply")
    device = Device.objects.filter(device_id=telemetry.device_id).first()
    if device is None:
        return dropped("unknown-device", topic)
    message, leaf = telemetry.message, telemetry.leaf
    outcome = Outcome("stored", leaf=leaf, device_id=device.device_id)
    try:
        with transaction.atomic():
            if leaf == topics.HEARTBEAT:
                _heartbeat(device, message, now)
            elif leaf == topics.RECEIPT:
                outcome.result = _receipt(device, message, now)
                outcome.ack_ids = [message["id"]]
            elif leaf == topics.EVENT:
                _event(device, message, now)
            else:
                record_status(device, message, now)
    except (ValueError, DataError) as error:
        # Follows the schema but cannot be stored (a 30 February, a number beyond its column): bad input,
        # dropped like any other, so that it cannot stop the rest of its batch.
        return dropped("bad-value", topic, type(error).__name__)
    return outcome
