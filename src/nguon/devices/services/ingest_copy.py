"""The PostgreSQL fast path of the batched ingest: heartbeats and receipts as a few set-based statements.

Same rules and same rows as :mod:`services.ingest_batch` (and therefore :func:`services.ingest.handle_message`);
only how the rows reach the database differs:

- receipts are deduplicated in Python within the batch (the first of each (device, id) wins), copied with
  ``COPY … FROM STDIN`` into a per-session temporary staging table and moved with one
  ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` (which also tells stored from duplicate, so no
  look-up query is needed);
- heartbeats keep the newest per device and become one statement: upsert of ``DeviceState`` plus insert
  of ``HeartbeatSample`` (``ON CONFLICT DO NOTHING``: the first of each 10-minute bucket stays);
- firmware/protocol changes are one ``UPDATE … FROM unnest(…)`` for the devices whose values changed;
- no model instances: devices are read as tuples, rows are written as tuples.

Events and status messages are rare and keep the ORM code of :mod:`services.ingest_batch`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from nguon.devices.models import Device, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol.telemetry import Telemetry
from nguon.devices.services.ingest import Outcome, heartbeat_bucket

# Every name put into the SQL below is a table or column name from the models or a constant of this module,
# never input (hence the noqa: S608); values always go as parameters or through COPY.

STAGE = "nguon_ingest_receipt_stage"

#: Columns of PlayReceipt filled from a receipt message, in COPY order (``received_at`` is the batch's).
RECEIPT_COLUMNS = (
    "device_id",
    "receipt_id",
    "item_id",
    "media_sha256",
    "manifest_version",
    "scheduled_at",
    "started_at",
    "ended_at",
    "result",
    "is_emergency",
    "detail",
)

# The staging table has the target's column types (so a value the table refuses is refused at COPY) and
# an arrival number, so rows are inserted in arrival order like the reference path does.
_CREATE_STAGE = f"""
SET LOCAL client_min_messages = warning;
CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
    ord integer NOT NULL,
    device_id bigint NOT NULL,
    receipt_id varchar(64) NOT NULL,
    item_id varchar(64) NOT NULL,
    media_sha256 varchar(64) NOT NULL,
    manifest_version integer NOT NULL CHECK (manifest_version >= 0),
    scheduled_at timestamptz,
    started_at timestamptz,
    ended_at timestamptz,
    result varchar(16) NOT NULL,
    is_emergency boolean NOT NULL,
    detail varchar(500) NOT NULL
) ON COMMIT DELETE ROWS
"""


@dataclass(frozen=True)
class DeviceRow:
    """What the fast path needs of a device: its key and the firmware facts heartbeats may change."""

    pk: int
    firmware: str
    protocol_level: int | None


def load_devices(device_ids: set[str]) -> dict[str, DeviceRow]:
    """The devices of a batch by public id. On PostgreSQL one array parameter (not one placeholder per id:
    building and quoting a thousand of them cost more than the query)."""
    if connection.vendor != "postgresql":
        rows = Device.objects.filter(device_id__in=device_ids).values_list(
            "device_id", "pk", "firmware", "protocol_level"
        )
        return {device_id: DeviceRow(pk, firmware, level) for device_id, pk, firmware, level in rows}
    with connection.cursor() as cursor:  # ids passed the topic check (d-[a-z0-9]+): no comma inside
        cursor.execute(
            f"SELECT device_id, id, firmware, protocol_level FROM {Device._meta.db_table} "  # noqa: S608
            "WHERE device_id = ANY(string_to_array(%s, ','))",
            [",".join(device_ids)],
        )
        found = cursor.fetchall()
    return {device_id: DeviceRow(pk, firmware, level) for device_id, pk, firmware, level in found}


def _ts(value: Any) -> str | None:
    """A protocol timestamp as PostgreSQL reads it (the schema checked its shape); non-strings are NULL,
    like :func:`services.ingest.optional_ts`.

    PostgreSQL reads hour 24 and second 60 as the next day or minute, where Python (the reference path)
    refuses them: those raise here, so the batch is stored message by message and the message dropped.
    Every other value PostgreSQL refuses (a 30 February) fails the COPY, with the same result."""
    if not isinstance(value, str):
        return None
    if value[11:13] > "23" or value[17:19] > "59":
        raise ValueError("hour or second out of range")
    return value


def store_receipts(
    devices: dict[str, DeviceRow],
    items: Sequence[tuple[int, Telemetry]],
    outcomes: list[Outcome],
    now: datetime,
) -> None:
    """Store receipts once per (device, id); every one is acknowledged, stored or duplicate."""
    first: dict[tuple[int, str], int] = {}  # (device pk, receipt id) → index of its first message
    rows: list[tuple[Any, ...]] = []
    for index, item in items:
        m = item.message
        pk = devices[item.device_id].pk
        key = (pk, m["id"])
        if key in first:
            continue
        first[key] = index
        rows.append(
            (
                index,
                pk,
                m["id"],
                m["item"],
                m.get("media") or "",
                m["manifest_version"],
                _ts(m.get("scheduled_at")),
                _ts(m.get("started_at")),
                _ts(m.get("ended_at")),
                m["result"],
                bool(m.get("emergency", False)),
                m.get("detail", ""),
            )
        )
    table, columns = PlayReceipt._meta.db_table, ", ".join(RECEIPT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_STAGE)
        raw = cursor.cursor
        with raw.copy(f"COPY {STAGE} (ord, {columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"WITH staged AS (DELETE FROM {STAGE} RETURNING *) "  # noqa: S608
            f"INSERT INTO {table} ({columns}, received_at) "
            f"SELECT {columns}, %s FROM staged ORDER BY ord "
            "ON CONFLICT (device_id, receipt_id) DO NOTHING RETURNING device_id, receipt_id",
            [now],
        )
        inserted = {(pk, receipt_id) for pk, receipt_id in cursor.fetchall()}
    for index, item in items:
        m = item.message
        key = (devices[item.device_id].pk, m["id"])
        stored = key in inserted and first[key] == index
        outcomes[index] = Outcome(
            "stored" if stored else "duplicate", leaf=item.leaf, device_id=item.device_id, ack_ids=[m["id"]]
        )


def store_heartbeats(devices: dict[str, DeviceRow], items: Sequence[Telemetry], now: datetime) -> None:
    """The newest heartbeat of each device becomes its state; the first of a bucket becomes its sample."""
    latest = {t.device_id: t.message for t in items}  # the last one of each device wins
    # One JSON document [[device pk, heartbeat], …]: one encoder call here, one parameter to send; each
    # heartbeat arrives as the jsonb the ORM's json.dumps(message) would have stored.
    beats = json.dumps([[devices[d].pk, m] for d, m in latest.items()])
    state, sample = DeviceState._meta.db_table, HeartbeatSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH beat AS (SELECT (b->>0)::bigint AS device_id, b->1 AS data "  # noqa: S608
            "FROM jsonb_array_elements(%s::jsonb) AS b), "
            f"upsert AS (INSERT INTO {state} (device_id, is_online, last_heartbeat_at, heartbeat) "
            "SELECT device_id, false, %s, data FROM beat "
            "ON CONFLICT (device_id) DO UPDATE SET "
            "last_heartbeat_at = EXCLUDED.last_heartbeat_at, heartbeat = EXCLUDED.heartbeat) "
            f"INSERT INTO {sample} (device_id, bucket_start, received_at, data) "
            "SELECT device_id, %s, %s, data FROM beat ON CONFLICT (device_id, bucket_start) DO NOTHING",
            [beats, now, heartbeat_bucket(now), now],
        )
        changed = [
            (devices[d].pk, m["firmware"], m["protocol"])
            for d, m in latest.items()
            if devices[d].firmware != m["firmware"] or devices[d].protocol_level != m["protocol"]
        ]
        if changed:
            cursor.execute(
                f"UPDATE {Device._meta.db_table} AS d SET firmware = c.firmware, protocol_level = c.level "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[], %s::integer[]) AS c(id, firmware, level) WHERE d.id = c.id",
                [[c[0] for c in changed], [c[1] for c in changed], [c[2] for c in changed]],
            )
