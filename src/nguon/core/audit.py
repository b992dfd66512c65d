"""Writing and verifying the audit trail.

Services call :func:`record` inside their transaction, after the change. The row is chained to the
previous one by SHA-256 over a canonical JSON form of its content, so ``nguon audit verify`` can tell
the first place where the stored trail no longer matches what was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from nguon.core import request_context
from nguon.core.access import SystemActor
from nguon.core.models import AuditChainHead, AuditEvent
from nguon.core.pg_copy import copy_rows

GENESIS_HASH = hashlib.sha256(b"nguon-audit-genesis").hexdigest()


def _json_safe(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database stores."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audit view of ``instance``: the named fields, foreign keys as their ids."""
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = getattr(instance, attname)
    result: dict[str, Any] = _json_safe(data)
    return result


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    content = {
        "seq": event.seq,
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "unit_path": event.unit_path,
        "unit_label": event.unit_label,
        "before": event.before,
        "after": event.after,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One event for :func:`record_many`."""

    action: str
    target: models.Model | None = None
    unit: Any = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    target_label: str | None = None


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (services are atomic)."""
    entry = Entry(action, target, unit, before, after, target_label)
    return record_many(actor=actor, entries=[entry])[0]


def record_many(*, actor: Any, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events by one actor at once (a fan-out to many communes, say): one lock on the
    chain head and one INSERT, chained exactly as if recorded one by one, in ``entries`` order."""
    if not entries:
        return []
    ctx = request_context.current()
    if isinstance(actor, SystemActor):
        actor_id, actor_label = None, f"[{actor.label}]"
    elif actor is None or not getattr(actor, "is_authenticated", False):
        actor_id, actor_label = None, "[anonymous]"
    else:
        actor_id, actor_label = actor.pk, actor.get_username()

    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        events = []
        seq, prev_hash, now = head.last_seq, head.last_hash, timezone.now()
        for entry in entries:
            target = entry.target
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=now,
                actor_id=actor_id,
                actor_label=actor_label[:200],
                action=entry.action,
                target_type=target._meta.label_lower if target is not None else "",
                target_id=str(target.pk) if target is not None and target.pk is not None else "",
                target_label=(
                    entry.target_label
                    if entry.target_label is not None
                    else str(target)
                    if target is not None
                    else ""
                )[:300],
                unit_path=getattr(entry.unit, "path", "") or "",
                unit_label=str(entry.unit) if entry.unit is not None else "",
                before=_json_safe(entry.before),
                after=_json_safe(entry.after),
                ip_address=ctx.ip_address,
                request_id=ctx.request_id,
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = compute_hash(event)
            events.append(event)
        _insert(events)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return events


_COPIED = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "unit_path",
    "unit_label",
    "before",
    "after",
    "ip_address",
    "request_id",
    "prev_hash",
    "hash",
)


def _insert(events: list[AuditEvent]) -> None:
    """One event by the ORM (it gets its ``pk``); several in one ``COPY`` on PostgreSQL, which is several
    times quicker than ``bulk_create`` for events that carry long lists (a fan-out's devices): those then
    have no ``pk``, look them up by ``seq``."""
    if len(events) == 1:
        events[0].save(force_insert=True)
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return

    def as_json(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    copy_rows(
        AuditEvent,
        _COPIED,
        (
            (
                e.seq,
                e.occurred_at,
                e.actor_id,
                e.actor_label,
                e.action,
                e.target_type,
                e.target_id,
                e.target_label,
                e.unit_path,
                e.unit_label,
                as_json(e.before),
                as_json(e.after),
                e.ip_address,
                e.request_id,
                e.prev_hash,
                e.hash,
            )
            for e in events
        ),
    )


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: how many rows were checked and the first broken link, if any."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify() -> Verification:
    """Walk the whole chain in order and report the first row that does not fit."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return Verification(
                checked, expected_seq, f"rows {expected_seq}–{event.seq - 1} are missing (deleted)"
            )
        if event.prev_hash != expected_prev:
            return Verification(
                checked, event.seq, "link to the previous row is broken (previous row changed or removed)"
            )
        if compute_hash(event) != event.hash:
            return Verification(checked, event.seq, "row content does not match its hash (row edited)")
        checked += 1
        expected_seq, expected_prev = event.seq + 1, event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = head.last_seq if head else 0
    if last_seq != expected_seq - 1:
        return Verification(
            checked,
            expected_seq,
            f"chain head says {last_seq} rows but {expected_seq - 1} remain (rows deleted at the end)",
        )
    if head is not None and last_seq and head.last_hash != expected_prev:
        return Verification(checked, last_seq, "last row does not match the chain head (row edited)")
    return Verification(checked)
