"""The PostgreSQL fast path of the batched ingest: heartbeats and receipts as a few set-based statements.

Same rules and same rows as :mod:`services.ingest_batch` (and therefore :func:`services.ingest.handle_message`);
only how the rows reach the database differs:

- receipts are deduplicated within the batch (the first of each (device, id) wins), copied with
  ``COPY … FROM STDIN`` into a per-session temporary staging table and moved with one
  ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` (which also tells stored from duplicate, so no
  look-up query is needed);
- heartbeats keep the newest per device and become one statement: upsert of ``DeviceState`` plus insert
  of ``HeartbeatSample`` (``ON CONFLICT DO NOTHING``: the first of each 10-minute bucket stays);
- firmware/protocol changes are one ``UPDATE … FROM unnest(…)`` for the devices whose values changed;
- no model instances: devices are read as tuples, rows are written as text.

Everything that does not need the database is done beforehand, by :func:`services.ingest_batch.prepare`
in the thread that checks the messages: the COPY text of the receipts and the JSON document of the
heartbeats are built there, with the devices' public ids (PostgreSQL joins them to their keys). What is
left for the storing thread is a few statements and little Python.

Events and status messages are rare and keep the ORM code of :mod:`services.ingest_batch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import connection

from nguon.devices.models import Device, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol.topics import RECEIPT
from nguon.devices.services.ingest import Outcome, heartbeat_bucket

# Every name put into the SQL below is a table or column name from the models or a constant of this module,
# never input (hence the noqa: S608); values always go as parameters or through COPY.

STAGE = "nguon_ingest_receipt_staging"

#: Columns of PlayReceipt filled from a receipt message (``device_id`` from the device's public id,
#: ``received_at`` is the batch's).
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

# The staging table has the target's column types (so a value the table refuses is refused at COPY), the
# device's public id, and an arrival number, so rows are inserted in arrival order like the reference path.
_CREATE_STAGE = f"""
SET LOCAL client_min_messages = warning;
CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
    ord integer NOT NULL,
    device varchar(40) NOT NULL,
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
_STAGE_COLUMNS = "ord, device, " + ", ".join(RECEIPT_COLUMNS[1:])
_INSERT_COLUMNS = "d.id, " + ", ".join(f"s.{name}" for name in RECEIPT_COLUMNS[1:])


class DeviceRow(NamedTuple):
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


#: A heartbeat: its index in the batch, device id, firmware, protocol level, and its JSON text.
BeatIn = tuple[int, str, str, int, str]
#: A receipt: its index in the batch, device id, receipt id, whether it is the first of its (device, receipt
#: id) in the batch (only those are copied), and its COPY line (None when a timestamp has hour 24 or
#: second 60: see :func:`ts`).
ReceiptIn = tuple[int, str, str, bool, str | None]


class BadTimestampError(ValueError):
    """Hour 24 or second 60: PostgreSQL would read the next day or minute, Python (the reference) refuses."""


def ts(value: Any) -> str:
    """A protocol timestamp as COPY text (the schema checked its shape); non-strings are NULL (``\\N``),
    like :func:`services.ingest.optional_ts`.

    PostgreSQL reads hour 24 and second 60 as the next day or minute, where Python (the reference path)
    refuses them: those raise here, and the batch is then stored message by message and the message dropped.
    Every other value PostgreSQL refuses (a 30 February) fails the COPY, with the same result."""
    if not isinstance(value, str):
        return "\\N"
    if value[11:13] > "23" or value[17:19] > "59":
        raise BadTimestampError(value)
    return value


def _text(value: str) -> str:
    """A string as a COPY text field."""
    if "\\" in value or "\n" in value or "\r" in value or "\t" in value:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value


def copy_line(index: int, device_id: str, receipt_id: str, message: tuple[Any, ...]) -> str | None:
    """The staging table's COPY line of a receipt with (item, media, manifest_version, scheduled_at,
    started_at, ended_at, result, emergency, detail), stored as the reference path stores them; None if a
    timestamp has hour 24 or second 60."""
    item, media, manifest_version, scheduled, started, ended, result, emergency, detail = message
    try:
        times = f"{ts(scheduled)}\t{ts(started)}\t{ts(ended)}"
    except BadTimestampError:
        return None
    return (
        f"{index}\t{_text(device_id)}\t{_text(receipt_id)}\t{_text(item)}\t{_text(media or '')}\t"
        f"{manifest_version}\t{times}\t{_text(result)}\t{'t' if emergency else 'f'}\t{_text(detail)}\n"
    )


def store_receipts(
    devices: dict[str, DeviceRow],
    items: Sequence[ReceiptIn],
    copy_text: str | None,
    outcomes: list[Outcome],
    now: datetime,
) -> None:
    """Store receipts once per (device, id); every one is acknowledged, stored or duplicate.

    ``items`` are the receipts of known devices, in arrival order; ``outcomes`` has "stored" for the first
    of each (device, id) and "duplicate" for the others, and the ones already stored become "duplicate".
    ``copy_text`` is the COPY text of every first receipt of the batch (None: build it from ``items``);
    rows of unknown devices in it find no device and are left out."""
    firsts = [item for item in items if item[3]]
    if copy_text is None:
        if any(item[4] is None for item in firsts):
            raise BadTimestampError("hour 24 or second 60")
        copy_text = "".join([item[4] for item in firsts if item[4] is not None])
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_STAGE)
        with cursor.cursor.copy(f"COPY {STAGE} ({_STAGE_COLUMNS}) FROM STDIN") as copy:
            copy.write(copy_text)
        cursor.execute(
            f"WITH staged AS (DELETE FROM {STAGE} RETURNING *) "  # noqa: S608
            f"INSERT INTO {PlayReceipt._meta.db_table} ({', '.join(RECEIPT_COLUMNS)}, received_at) "
            f"SELECT {_INSERT_COLUMNS}, %s FROM staged AS s JOIN {Device._meta.db_table} AS d "
            "ON d.device_id = s.device ORDER BY s.ord "
            "ON CONFLICT (device_id, receipt_id) DO NOTHING RETURNING device_id, receipt_id",
            [now],
        )
        inserted = set(cursor.fetchall())
    if len(inserted) == len(firsts):
        return  # every first one was new
    for index, device_id, receipt_id, _, _ in firsts:
        if (devices[device_id].pk, receipt_id) not in inserted:
            outcomes[index] = Outcome("duplicate", leaf=RECEIPT, device_id=device_id, ack_ids=[receipt_id])


def store_heartbeats(
    devices: dict[str, DeviceRow], beats_json: str, latest: dict[str, tuple[str, int]], now: datetime
) -> None:
    """The newest heartbeat of each device becomes its state; the first of a bucket becomes its sample.

    ``beats_json`` is one JSON document ``[[device id, heartbeat], …]`` with the newest heartbeat of each
    device (devices not in the table find no row and are left out); ``latest`` has its (firmware, protocol
    level) by device id."""
    state, sample, device = DeviceState._meta.db_table, HeartbeatSample._meta.db_table, Device._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH beat AS (SELECT d.id AS device_id, b->1 AS data "  # noqa: S608
            f"FROM jsonb_array_elements(%s::jsonb) AS b JOIN {device} AS d ON d.device_id = b->>0), "
            f"upsert AS (INSERT INTO {state} (device_id, is_online, last_heartbeat_at, heartbeat) "
            "SELECT device_id, false, %s, data FROM beat "
            "ON CONFLICT (device_id) DO UPDATE SET "
            "last_heartbeat_at = EXCLUDED.last_heartbeat_at, heartbeat = EXCLUDED.heartbeat) "
            f"INSERT INTO {sample} (device_id, bucket_start, received_at, data) "
            "SELECT device_id, %s, %s, data FROM beat ON CONFLICT (device_id, bucket_start) DO NOTHING",
            [beats_json, now, heartbeat_bucket(now), now],
        )
        changed = [
            (row.pk, firmware, level)
            for device_id, (firmware, level) in latest.items()
            if (row := devices.get(device_id)) is not None
            and (row.firmware != firmware or row.protocol_level != level)
        ]
        if changed:
            cursor.execute(
                f"UPDATE {device} AS d SET firmware = c.firmware, protocol_level = c.level "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[], %s::integer[]) AS c(id, firmware, level) WHERE d.id = c.id",
                [[c[0] for c in changed], [c[1] for c in changed], [c[2] for c in changed]],
            )
