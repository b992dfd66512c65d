"""Telemetry ingest in batches: the same rules as :func:`services.ingest.handle_message`, with one
transaction and a handful of bulk statements per batch instead of several statements per message.

On PostgreSQL, heartbeats and receipts take the set-based fast path of :mod:`services.ingest_copy`
(COPY into a staging table, one upsert per kind); elsewhere (SQLite: the demo) they take the ORM path
below. Both store the same rows; ``handle_batch(..., fast=False)`` forces the ORM path (tests compare them).

A batch is handled in two steps, so that the ingest can check batch N+1 while batch N is being stored
(:mod:`services.ingest_pipeline`): :func:`prepare` checks every message and never touches the database;
:func:`store` looks the devices up and writes, in one transaction. :func:`handle_batch` is both in a row.

If the batch transaction fails for any reason, the batch is stored again message by message, so one
poisonous message costs only itself.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from nguon.devices.models import CommandRecord, Device, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.telemetry import Telemetry, TelemetryRejectedError, parse_telemetry
from nguon.devices.services import command_groups, ingest_copy
from nguon.devices.services.ingest import (
    Outcome,
    dropped,
    handle_message,
    heartbeat_bucket,
    optional_ts,
    record_status,
)
from nguon.devices.services.ingest_copy import BeatIn, DeviceRow, ReceiptIn, copy_line, load_devices
from nguon.devices.services.ingest_decode import decode_heartbeat, decode_receipt, split_topic
from nguon.devices.services.ingest_parse import parse_fast

log = logging.getLogger("nguon.devices.ingest")
CHUNK = 500
OR_CHUNK = 100  # (device, seq) pairs per UPDATE: SQLite limits expression depth
_PENDING = Outcome("dropped")


def _heartbeats(devices: dict[str, DeviceRow], prepared: Prepared, now: datetime) -> None:
    if prepared.fast:
        ingest_copy.store_heartbeats(devices, prepared.beats_json, prepared.latest, now)
        return
    items = [t for _, t in prepared.others if t.leaf == topics.HEARTBEAT]
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
) -> None:
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
                group=t.message.get("group") or "",
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
    # a group's member records are written just after its command is published: wait for them
    command_groups.lock_answers(
        [t.message["group"] for ts in answers.values() for t in ts if t.message.get("group")], shared=True
    )
    for start in range(0, len(answers["command-accepted"]), OR_CHUNK):
        chunk = answers["command-accepted"][start : start + OR_CHUNK]
        which = Q()
        for t in chunk:
            which |= Q(
                device_id=devices[t.device_id].pk, group=t.message.get("group") or "", seq=t.message["seq"]
            )
        CommandRecord.objects.filter(which, accepted_at__isnull=True, refused_at__isnull=True).update(
            accepted_at=now
        )
    for t in answers["command-refused"]:  # rare: one statement each keeps the reason per command
        CommandRecord.objects.filter(
            device_id=devices[t.device_id].pk,
            group=t.message.get("group") or "",  # a group command's seq counts per group
            seq=t.message["seq"],
            accepted_at__isnull=True,
            refused_at__isnull=True,
        ).update(refused_at=now, refusal_reason=t.message.get("reason", "")[:64])


@dataclass(slots=True)
class Prepared:
    """A checked batch, ready for :func:`store`; built without the database."""

    messages: list[tuple[str, bytes]]
    fast: bool
    #: One per message: the dropped ones are final; store() starts from a copy and completes it.
    outcomes: list[Outcome]
    device_ids: set[str]
    others: list[tuple[int, Telemetry]]  # ORM path: everything; fast path: events and status messages
    # The fast path's heartbeats and receipts (services.ingest_copy):
    beats: list[BeatIn] = field(default_factory=list)
    beats_json: str = "[]"  # [[device id, heartbeat], …]: the newest of each device
    latest: dict[str, tuple[str, int]] = field(default_factory=dict)  # device id → (firmware, protocol)
    receipts: list[ReceiptIn] = field(default_factory=list)
    receipt_copy: str | None = (
        ""  # the COPY text of the first receipts; None: a timestamp PostgreSQL misreads
    )


#: A receipt's device id, receipt id and (item, media, manifest_version, scheduled_at, started_at, ended_at,
#: result, emergency, detail).
_ReceiptParts = tuple[str, str, tuple[Any, ...]]


def _decode_fast(index: int, topic: str, payload: bytes) -> BeatIn | _ReceiptParts | None:
    """A heartbeat or receipt msgspec accepts, or None (then the reference way decides)."""
    if (split := split_topic(topic)) is None:
        return None
    device_id, leaf = split
    if leaf == topics.HEARTBEAT:
        if (decoded := decode_heartbeat(payload)) is not None and decoded[0].device == device_id:
            return (index, device_id, decoded[0].firmware, decoded[0].protocol, decoded[1])
    elif (r := decode_receipt(payload)) is not None and r.device == device_id:
        columns = (
            r.item, r.media, r.manifest_version, r.scheduled_at, r.started_at, r.ended_at, r.result,
            r.emergency, r.detail,
        )  # fmt: skip
        return (device_id, r.id, columns)
    return None


def _decode(
    index: int, topic: str, payload: bytes, *, fast: bool
) -> BeatIn | _ReceiptParts | Telemetry | Outcome:
    """What one message is: a fast-path heartbeat or receipt, another message, or the outcome of its drop."""
    if fast and (decoded := _decode_fast(index, topic, payload)) is not None:
        return decoded
    try:
        item = (parse_fast if fast else parse_telemetry)(topic, payload)
    except TelemetryRejectedError as error:
        return dropped(error.reason, topic, error.detail)
    except RecursionError:  # JSON nested too deep for the parser: bad input like any other
        return dropped("not-json", topic, "nested too deeply")
    if not fast or item.leaf not in {topics.HEARTBEAT, topics.RECEIPT}:
        return item
    m = item.message
    if item.leaf == topics.HEARTBEAT:
        return (index, item.device_id, m["firmware"], m["protocol"], json.dumps(m))
    columns = (
        m["item"], m.get("media"), m["manifest_version"], m.get("scheduled_at"), m.get("started_at"),
        m.get("ended_at"), m["result"], bool(m.get("emergency", False)), m.get("detail", ""),
    )  # fmt: skip
    return (item.device_id, m["id"], columns)


def prepare(messages: list[tuple[str, bytes]], *, fast: bool | None = None) -> Prepared:
    """Check every message (topic, size, JSON, schema, device id inside); no database access.

    On the fast path heartbeats and receipts are decoded and checked by msgspec (:mod:`services.ingest_decode`);
    what it refuses, and every other kind, goes through :func:`services.ingest_parse.parse_fast`, whose
    answer is the reference's. The fast path's statements are prepared here too (the COPY text of the
    receipts, the JSON document of the heartbeats), with the outcomes they will have if nothing was stored
    before (store() turns receipts already stored into duplicates, unknown devices into drops)."""
    if fast is None:
        fast = connection.vendor == "postgresql"
    outcomes: list[Outcome] = [_PENDING] * len(messages)  # every slot is replaced here or in store()
    others: list[tuple[int, Telemetry]] = []
    beats: list[BeatIn] = []
    receipts: list[ReceiptIn] = []
    seen: set[tuple[str, str]] = set()  # (device, receipt id): the first one in the batch is the one stored
    for index, (topic, payload) in enumerate(messages):
        got = _decode(index, topic, payload, fast=fast)
        if isinstance(got, Outcome):
            outcomes[index] = got
        elif isinstance(got, Telemetry):
            others.append((index, got))
        elif len(got) == 5:  # a heartbeat
            beats.append(got)
            outcomes[index] = Outcome("stored", leaf=topics.HEARTBEAT, device_id=got[1])
        else:
            device_id, receipt_id, columns = got
            first = (device_id, receipt_id) not in seen
            line = None
            if first:
                seen.add((device_id, receipt_id))
                line = copy_line(index, device_id, receipt_id, columns)
            receipts.append((index, device_id, receipt_id, first, line))
            result = "stored" if first else "duplicate"
            outcomes[index] = Outcome(result, leaf=topics.RECEIPT, device_id=device_id, ack_ids=[receipt_id])
    ids = {b[1] for b in beats} | {r[1] for r in receipts} | {t.device_id for _, t in others}
    prepared = Prepared(messages, fast, outcomes, ids, others, beats=beats, receipts=receipts)
    if beats:
        newest = {b[1]: b for b in beats}  # the last one of each device wins
        prepared.beats_json = "[" + ",".join([f'["{d}",{b[4]}]' for d, b in newest.items()]) + "]"
        prepared.latest = {d: (b[2], b[3]) for d, b in newest.items()}
    if receipts:
        lines = [r[4] for r in receipts if r[3]]
        prepared.receipt_copy = (
            "".join(line for line in lines if line is not None) if None not in lines else None
        )
    return prepared


def _store(prepared: Prepared, devices: dict[str, DeviceRow], outcomes: list[Outcome], now: datetime) -> None:
    fast = prepared.fast
    by_leaf: dict[str, list[tuple[int, Telemetry]]] = defaultdict(list)
    for index, item in prepared.others:
        by_leaf[item.leaf].append((index, item))
        if item.leaf != topics.RECEIPT:  # _receipts gives each receipt its own (stored or duplicate)
            outcomes[index] = Outcome("stored", leaf=item.leaf, device_id=item.device_id)
    with transaction.atomic():
        if prepared.beats or by_leaf[topics.HEARTBEAT]:
            _heartbeats(devices, prepared, now)
        if fast and prepared.receipts:
            ingest_copy.store_receipts(devices, prepared.receipts, prepared.receipt_copy, outcomes, now)
        elif by_leaf[topics.RECEIPT]:
            _receipts(devices, by_leaf[topics.RECEIPT], outcomes, now)
        if by_leaf[topics.EVENT]:
            _events(devices, [t for _, t in by_leaf[topics.EVENT]], now)
        if by_leaf[topics.STATUS]:
            ids = [item.device_id for _, item in by_leaf[topics.STATUS]]
            full = Device.objects.in_bulk(ids, field_name="device_id")
            for _, item in by_leaf[topics.STATUS]:  # in arrival order: online/offline pairs must not swap
                record_status(full[item.device_id], item.message, now)


def store(prepared: Prepared, *, now: datetime | None = None) -> list[Outcome]:
    """Store a prepared batch in one transaction; one outcome per message, in order. Never raises for bad
    input (database trouble does raise: the caller decides, see :mod:`services.ingest_pipeline`). Does not
    change ``prepared``, so it can be stored again after a failure."""
    now = now or timezone.now()
    outcomes, messages, ids = list(prepared.outcomes), prepared.messages, prepared.device_ids
    devices = load_devices(ids) if ids else {}
    if len(devices) < len(ids):  # rare: keep only the messages of known devices
        unknown = sorted(
            [b[0] for b in prepared.beats if b[1] not in devices]
            + [r[0] for r in prepared.receipts if r[1] not in devices]
            + [i for i, t in prepared.others if t.device_id not in devices]
        )
        for index in unknown:
            outcomes[index] = dropped("unknown-device", messages[index][0])
        prepared = replace(
            prepared,
            beats=[b for b in prepared.beats if b[1] in devices],
            receipts=[r for r in prepared.receipts if r[1] in devices],
            others=[(i, t) for i, t in prepared.others if t.device_id in devices],
        )  # the COPY text and the heartbeats' document keep the unknown ones: they find no device row
    if not (prepared.beats or prepared.receipts or prepared.others):
        return outcomes
    try:
        _store(prepared, devices, outcomes, now)
    except Exception:  # fall back: store what can be stored, one message at a time
        known = sorted(
            [b[0] for b in prepared.beats]
            + [r[0] for r in prepared.receipts]
            + [i for i, _ in prepared.others]
        )
        log.exception("ingest: batch of %d failed; storing its messages one by one", len(known))
        for index in known:
            outcomes[index] = handle_message(*messages[index], now=now)
    return outcomes


def handle_batch(
    messages: list[tuple[str, bytes]], *, now: datetime | None = None, fast: bool | None = None
) -> list[Outcome]:
    """Validate and store a batch of messages; one outcome per message, in order. Never raises for bad input.

    ``fast`` chooses the set-based PostgreSQL path (default: on PostgreSQL) or the ORM path."""
    return store(prepare(messages, fast=fast), now=now)
