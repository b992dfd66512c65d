"""Fan-out helpers for :func:`services.commands.send_commands`: which command groups a fan-out covers
whole, their sequence counters, writing thousands of command records at once, and matching the answers
that arrive before a group's member records are written (they are written after the publish)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, overload

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery

from nguon.core.pg_copy import copy_rows
from nguon.devices.models import CommandGroup, CommandRecord, Device, DeviceCredential, DeviceEvent
from nguon.devices.protocol import topics
from nguon.units.models import AdministrativeUnit

#: Columns written by :func:`insert_records` (the rest keep their defaults: not published, no answer).
_COLUMNS = (
    "device_id",
    "group",
    "seq",
    "type",
    "body",
    "envelope",
    "media_sha256",
    "signed_at",
    "issued_by_id",
    "issued_by_label",
    "batch",
    "refusal_reason",
    "published_at",
)
_COUNT_ON = (
    "UPDATE devices_commandgroup AS c SET last_seq = c.last_seq + 1 FROM (SELECT key FROM devices_commandgroup"
    " WHERE key = ANY(%s) ORDER BY key FOR UPDATE) AS locked WHERE c.key = locked.key RETURNING c.key, c.last_seq"
)
#: How far another ingest server's clock may lag behind the one that signed a command.
CLOCK_SLACK = timedelta(minutes=10)
#: First key of the advisory locks that order a group's member records before its answers (PostgreSQL).
_ANSWER_LOCK = 7101
_LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(%s, hashtext(g)) FROM unnest(%s::text[]) AS g ORDER BY g"
_LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(%s, hashtext(g)) FROM unnest(%s::text[]) AS g ORDER BY g"


def group_for(unit_code: str, mode: str) -> str:
    """The command group of the devices of ``mode`` in the unit ``unit_code``: ``g-<code>-<mode>``, or ""
    when the code cannot make a group id."""
    group = "g-" + re.sub(r"[^a-z0-9-]", "", f"{unit_code.lower()}-{mode}")
    return group if topics.is_group_id(group) else ""


def whole_groups(targets: list[Device]) -> dict[str, list[Device]]:
    """The command groups every active holder of which is a target (two or more holders): group → devices.

    Holders are the devices whose active credential names the group, as in the broker's ACL, so a group
    command reaches exactly them: a device that is not a target keeps the whole group out. Candidates are
    the groups the targets would get if provisioned now; a device still holding an older group (it moved
    to another commune and was not provisioned again) simply gets its own command."""
    by_pk = {d.pk: d for d in targets}
    codes = dict(
        AdministrativeUnit.objects.filter(pk__in={d.unit_id for d in targets}).values_list("pk", "code")
    )
    kinds = {(d.unit_id, d.kind) for d in targets}  # a few hundred pairs for ten thousand devices
    candidates = {group_for(codes[unit], Device.mode_of(kind)) for unit, kind in kinds} - {""}
    return {
        group: [by_pk[pk] for pk in sorted(pks)]
        for group, pks in sorted(_holders(candidates).items())
        if len(pks) >= 2 and all(pk in by_pk for pk in pks)
    }


def _holders(groups: set[str]) -> dict[str, list[int]]:
    """group → the pks of the devices holding an active credential for it."""
    held = DeviceCredential.objects.filter(
        revoked_at__isnull=True, device__retired_on__isnull=True, command_group__in=groups
    )
    if connection.vendor == "postgresql":  # one row per group: ten thousand rows cost a tenth of a second
        rows = held.order_by().values("command_group").annotate(pks=ArrayAgg("device_id"))
        return {row["command_group"]: row["pks"] for row in rows}
    holders: dict[str, list[int]] = {}
    for group, device_pk in held.values_list("command_group", "device_id"):
        holders.setdefault(group, []).append(device_pk)
    return holders


def next_seqs(groups: list[str]) -> dict[str, int]:
    """Count each group's counter on by one (created when first used; its row stays locked until the
    transaction ends, taken in key order) and return the new numbers."""
    if not groups:
        return {}
    CommandGroup.objects.bulk_create([CommandGroup(key=g) for g in groups], ignore_conflicts=True)
    if connection.vendor != "postgresql":
        counters = list(CommandGroup.objects.select_for_update().filter(key__in=groups).order_by("key"))
        for counter in counters:
            counter.last_seq += 1
        CommandGroup.objects.bulk_update(counters, ["last_seq"])
        return {c.key: c.last_seq for c in counters}
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_ON, [sorted(groups)])
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class Signed:
    """One device's part of a fan-out: the envelope is shared by a group's members."""

    device: Device
    group: str
    seq: int
    envelope: dict[str, Any]


@dataclass(frozen=True)
class Common:
    """What every record of one fan-out shares."""

    type: str
    signed_at: datetime
    issued_by: Any
    issued_by_label: str
    batch: uuid.UUID
    published_at: datetime | None = None


class FanOutRecords(Sequence[CommandRecord]):
    """The records of one fan-out, as model instances made only when asked for: ten thousand of them
    would cost a fifth of a second before the commands could leave (docs/devices.md, Benchmarks)."""

    def __init__(self, parts: list[Signed], common: Common) -> None:
        self.parts = parts
        self.common = common

    def __len__(self) -> int:
        return len(self.parts)

    @overload
    def __getitem__(self, index: int) -> CommandRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[CommandRecord]: ...

    def __getitem__(self, index: int | slice) -> CommandRecord | list[CommandRecord]:
        if isinstance(index, slice):
            return [self._record(part) for part in self.parts[index]]
        return self._record(self.parts[index])

    def _record(self, part: Signed) -> CommandRecord:
        common = self.common
        body = part.envelope["body"]
        return CommandRecord(
            device=part.device,
            group=part.group,
            seq=part.seq,
            type=common.type,
            body=body,
            envelope=part.envelope,
            media_sha256=media_of(body),
            signed_at=common.signed_at,
            issued_by=common.issued_by,
            issued_by_label=common.issued_by_label,
            batch=common.batch,
            published_at=common.published_at,
        )


def media_of(body: dict[str, Any]) -> str:
    item = body.get("item")
    if isinstance(item, dict) and isinstance(item.get("media"), dict):
        return str(item["media"].get("sha256", ""))
    return ""


def insert_records(records: FanOutRecords) -> None:
    """Write a fan-out's records in the caller's transaction: one ``COPY`` on PostgreSQL (a group's
    members share one body and one envelope, serialised once), ``bulk_create`` elsewhere. Find them again
    by their ``batch``."""
    if not records:
        return
    if connection.vendor != "postgresql":
        CommandRecord.objects.bulk_create(records[:], batch_size=500)
        return
    serialised: dict[int, tuple[str, str, str]] = {}  # id(envelope) → body, envelope, media

    def as_json(envelope: dict[str, Any]) -> tuple[str, str, str]:
        texts = serialised.get(id(envelope))
        if texts is None:
            body = envelope["body"]
            texts = serialised[id(envelope)] = (
                json.dumps(body, ensure_ascii=False),
                json.dumps(envelope, ensure_ascii=False),
                media_of(body),
            )
        return texts

    common = records.common
    issued_by = common.issued_by.pk if common.issued_by is not None else None
    copy_rows(
        CommandRecord,
        _COLUMNS,
        (
            (
                part.device.pk,
                part.group,
                part.seq,
                common.type,
                *as_json(part.envelope),
                common.signed_at,
                issued_by,
                common.issued_by_label,
                common.batch,
                "",
                common.published_at,
            )
            for part in records.parts
        ),
    )


def lock_answers(groups: Iterable[str], *, shared: bool) -> None:
    """Order the writing of groups' member records (``shared=False``) against the matching of their
    answers (``shared=True``) until the transaction ends, so that every answer finds its record: either
    the records are committed before the answer's update runs, or the answer's event is committed before
    :func:`match_early_answers` runs. PostgreSQL only; SQLite runs one writer at a time anyway."""
    keys = sorted(set(groups))
    if connection.vendor != "postgresql" or not keys:
        return
    query = _LOCK_SHARED if shared else _LOCK_EXCLUSIVE
    with connection.cursor() as cursor:
        cursor.execute(query, [_ANSWER_LOCK, keys])


def match_early_answers(batch: uuid.UUID, since: datetime) -> int:
    """Mark the just written member records of ``batch`` with the answers their devices sent before the
    records existed (stored as events from ``since`` on, less ``CLOCK_SLACK`` for another server's
    clock); returns how many were marked."""
    since -= CLOCK_SLACK
    open_records = CommandRecord.objects.filter(
        batch=batch, accepted_at__isnull=True, refused_at__isnull=True
    )
    answers = DeviceEvent.objects.filter(
        device=OuterRef("device"), group=OuterRef("group"), seq=OuterRef("seq"), received_at__gte=since
    ).order_by("received_at")
    accepted = answers.filter(kind="command-accepted")
    refused = answers.filter(kind="command-refused")
    marked = open_records.filter(Exists(accepted)).update(
        accepted_at=Subquery(accepted.values("received_at")[:1])
    )
    return marked + open_records.filter(Exists(refused)).update(
        refused_at=Subquery(refused.values("received_at")[:1]),
        refusal_reason=Subquery(refused.values("reason")[:1]),
    )
