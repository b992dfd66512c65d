"""Telemetry ingest in batches: the same rules as :func:`services.ingest.handle_message`, with one
transaction and a handful of bulk statements per batch instead of several statements per message.

On PostgreSQL, heartbeats and receipts take the set-based fast path of :mod:`services.ingest_copy`
(COPY into a staging table, one upsert per kind); elsewhere (SQLite: the demo) they take the ORM path
below. Both store the same rows; ``handle_batch(..., fast=False)`` forces the ORM path (tests compare them).

If the batch transaction fails for any reason, the batch is stored again message by message, so one
poisonous message costs only itself.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from nguon.devices.models import CommandRecord, Device, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.telemetry import Telemetry, TelemetryRejectedError, parse_telemetry
from nguon.devices.services import ingest_copy
from nguon.devices.services.ingest import (
    Outcome,
    dropped,
    handle_message,
    heartbeat_bucket,
    optional_ts,
    record_status,
)
from nguon.devices.services.ingest_copy import DeviceRow, load_devices
from nguon.devices.services.ingest_parse import parse_fast

log = logging.getLogger("nguon.devices.ingest")
CHUNK = 500
OR_CHUNK = 100  # (device, seq) pairs per UPDATE: SQLite limits expression depth
_PENDING = Outcome("dropped")


def _heartbeats(devices: dict[str, DeviceRow], items: list[Telemetry], now: datetime, *, fast: bool) -> None:
    if fast:
        ingest_copy.store_heartbeats(devices, items, now)
        return
    latest = {t.device_id: t.message for t in items}  # the last one of each device wins
    DeviceState.objects.bulk_create(
        [DeviceState(device_id=devices[d].pk, last_heartbeat_at=now, heartbeat=m) for d, m in latest.items()],
        update_conflicts=True,
        unique_fields=["device"],
        update_fields=["last_heartbeat_at", "heartbeat"],
    )
    bucket = heartbeat_bucket(now)
    HeartbeatSample.objects.bulk_create(
        [
            HeartbeatSample(device_id=devices[d].pk, bucket_start=bucket, received_at=now, data=m)
            for d, m in latest.items()
        ],
        ignore_conflicts=True,
    )
    for device_id, message in latest.items():
        device = devices[device_id]
        if device.firmware != message["firmware"] or device.protocol_level != message["protocol"]:
            Device.objects.filter(pk=device.pk).update(
                firmware=message["firmware"], protocol_level=message["protocol"]
            )


def _receipts(
    devices: dict[str, DeviceRow],
    items: list[tuple[int, Telemetry]],
    outcomes: list[Outcome],
    now: datetime,
    *,
    fast: bool,
) -> None:
    if fast:
        ingest_copy.store_receipts(devices, items, outcomes, now)
        return
    device_pks = {devices[item.device_id].pk for _, item in items}
    receipt_ids = {item.message["id"] for _, item in items}
    known = set(
        PlayReceipt.objects.filter(device_id__in=device_pks, receipt_id__in=receipt_ids).values_list(
            "device_id", "receipt_id"
        )
    )
    new: list[PlayReceipt] = []
    for index, item in items:
        m, device = item.message, devices[item.device_id]
        key: tuple[int, str] = (device.pk, m["id"])
        outcomes[index] = Outcome(
            "duplicate" if key in known else "stored",
            leaf=item.leaf,
            device_id=item.device_id,
            ack_ids=[m["id"]],
        )
        if key in known:
            continue
        known.add(key)
        new.append(
            PlayReceipt(
                device_id=device.pk,
                receipt_id=m["id"],
                item_id=m["item"],
                media_sha256=m.get("media") or "",
                manifest_version=m["manifest_version"],
                scheduled_at=optional_ts(m.get("scheduled_at")),
                started_at=optional_ts(m.get("started_at")),
                ended_at=optional_ts(m.get("ended_at")),
                result=m["result"],
                is_emergency=bool(m.get("emergency", False)),
                detail=m.get("detail", ""),
                received_at=now,
            )
        )
    PlayReceipt.objects.bulk_create(new, batch_size=CHUNK)


def _events(devices: dict[str, DeviceRow], items: list[Telemetry], now: datetime) -> None:
    DeviceEvent.objects.bulk_create(
        [
            DeviceEvent(
                device_id=devices[t.device_id].pk,
                kind=t.message["kind"],
                occurred_at=optional_ts(t.message.get("ts")),
                received_at=now,
                seq=t.message.get("seq"),
                command=t.message.get("command") or "",
                reason=t.message.get("reason", ""),
                detail=t.message.get("detail", ""),
            )
            for t in items
        ],
        batch_size=CHUNK,
    )
    answers: dict[str, list[Telemetry]] = defaultdict(list)
    for t in items:
        if t.message.get("seq") is not None and t.message["kind"] in {"command-accepted", "command-refused"}:
            answers[t.message["kind"]].append(t)
    for start in range(0, len(answers["command-accepted"]), OR_CHUNK):
        chunk = answers["command-accepted"][start : start + OR_CHUNK]
        which = Q()
        for t in chunk:
            which |= Q(device_id=devices[t.device_id].pk, seq=t.message["seq"])
        CommandRecord.objects.filter(which, accepted_at__isnull=True, refused_at__isnull=True).update(
            accepted_at=now
        )
    for t in answers["command-refused"]:  # rare: one statement each keeps the reason per command
        CommandRecord.objects.filter(
            device_id=devices[t.device_id].pk,
            seq=t.message["seq"],
            accepted_at__isnull=True,
            refused_at__isnull=True,
        ).update(refused_at=now, refusal_reason=t.message.get("reason", "")[:64])


def _store(
    parsed: list[tuple[int, Telemetry]],
    devices: dict[str, DeviceRow],
    outcomes: list[Outcome],
    now: datetime,
    *,
    fast: bool,
) -> None:
    by_leaf: dict[str, list[tuple[int, Telemetry]]] = defaultdict(list)
    for index, item in parsed:
        by_leaf[item.leaf].append((index, item))
        if item.leaf != topics.RECEIPT:  # _receipts gives each receipt its own (stored or duplicate)
            outcomes[index] = Outcome("stored", leaf=item.leaf, device_id=item.device_id)
    with transaction.atomic():
        if by_leaf[topics.HEARTBEAT]:
            _heartbeats(devices, [t for _, t in by_leaf[topics.HEARTBEAT]], now, fast=fast)
        if by_leaf[topics.RECEIPT]:
            _receipts(devices, by_leaf[topics.RECEIPT], outcomes, now, fast=fast)
        if by_leaf[topics.EVENT]:
            _events(devices, [t for _, t in by_leaf[topics.EVENT]], now)
        if by_leaf[topics.STATUS]:
            ids = [item.device_id for _, item in by_leaf[topics.STATUS]]
            full = Device.objects.in_bulk(ids, field_name="device_id")
            for _, item in by_leaf[topics.STATUS]:  # in arrival order: online/offline pairs must not swap
                record_status(full[item.device_id], item.message, now)


def handle_batch(
    messages: list[tuple[str, bytes]], *, now: datetime | None = None, fast: bool | None = None
) -> list[Outcome]:
    """Validate and store a batch of messages; one outcome per message, in order. Never raises for bad input.

    ``fast`` chooses the set-based PostgreSQL path (default: on PostgreSQL) or the ORM path."""
    now = now or timezone.now()
    if fast is None:
        fast = connection.vendor == "postgresql"
    outcomes: list[Outcome] = [_PENDING] * len(messages)  # every slot is replaced below
    parse = parse_fast if fast else parse_telemetry
    parsed: list[tuple[int, Telemetry]] = []
    for index, (topic, payload) in enumerate(messages):
        try:
            parsed.append((index, parse(topic, payload)))
        except TelemetryRejectedError as error:
            outcomes[index] = dropped(error.reason, topic, error.detail)
        except RecursionError:  # JSON nested too deep for the parser: bad input like any other
            outcomes[index] = dropped("not-json", topic, "nested too deeply")
    ids = {item.device_id for _, item in parsed}
    devices = load_devices(ids) if ids else {}
    known: list[tuple[int, Telemetry]] = []
    for index, item in parsed:
        if item.device_id in devices:
            known.append((index, item))
        else:
            outcomes[index] = dropped("unknown-device", messages[index][0])
    if not known:
        return outcomes
    try:
        _store(known, devices, outcomes, now, fast=fast)
    except Exception:  # fall back: store what can be stored, one message at a time
        log.exception("ingest: batch of %d failed; storing its messages one by one", len(known))
        for index, _ in known:
            outcomes[index] = handle_message(*messages[index], now=now)
    return outcomes
