"""Fan-out helpers for :func:`services.commands.send_commands`: which command groups a fan-out covers
whole, their sequence counters, and writing thousands of command records at once."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.db import connection

from nguon.devices.models import CommandGroup, CommandRecord, Device, DeviceCredential
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
)


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
    candidates = {group_for(codes[d.unit_id], d.mode) for d in targets} - {""}
    holders: dict[str, list[int]] = {}
    rows = DeviceCredential.objects.filter(
        revoked_at__isnull=True, device__retired_on__isnull=True, command_group__in=candidates
    ).values_list("command_group", "device_id")
    for group, device_pk in rows:
        holders.setdefault(group, []).append(device_pk)
    return {
        group: [by_pk[pk] for pk in sorted(pks)]
        for group, pks in sorted(holders.items())
        if len(pks) >= 2 and all(pk in by_pk for pk in pks)
    }


def lock_counters(groups: list[str]) -> dict[str, CommandGroup]:
    """Each group's counter, created when first used and locked until the transaction ends."""
    CommandGroup.objects.bulk_create([CommandGroup(key=g) for g in groups], ignore_conflicts=True)
    return {g.key: g for g in CommandGroup.objects.select_for_update().filter(key__in=groups).order_by("key")}


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


class FanOutRecords(Sequence[CommandRecord]):
    """The records of one fan-out, as model instances made only when asked for: ten thousand of them
    would cost a fifth of a second before the commands could leave (docs/devices.md, Benchmarks)."""

    def __init__(self, parts: list[Signed], common: Common) -> None:
        self._parts = parts
        self._common = common

    def __len__(self) -> int:
        return len(self._parts)

    @overload
    def __getitem__(self, index: int) -> CommandRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[CommandRecord]: ...

    def __getitem__(self, index: int | slice) -> CommandRecord | list[CommandRecord]:
        if isinstance(index, slice):
            return [self._record(part) for part in self._parts[index]]
        return self._record(self._parts[index])

    def _record(self, part: Signed) -> CommandRecord:
        common = self._common
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

    common = records._common
    issued_by = common.issued_by.pk if common.issued_by is not None else None
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {CommandRecord._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for part in records._parts:
            body, envelope, media = as_json(part.envelope)
            copy.write_row(
                (
                    part.device.pk,
                    part.group,
                    part.seq,
                    common.type,
                    body,
                    envelope,
                    media,
                    common.signed_at,
                    issued_by,
                    common.issued_by_label,
                    common.batch,
                    "",
                )
            )
