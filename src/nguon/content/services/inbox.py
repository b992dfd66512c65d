"""A commune's TT39 decisions on bulletins sent down to it.

Normal: accept into the schedule or decline with a reason. Priority: must be accepted (cannot be
declined); the commune orders clashing priority items. Emergency: arrives already forced. The radio
programming issue places accepted items in programmes; this module records the decision.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nguon.content.choices import InboxStatus, Priority
from nguon.content.models import InboxEntry
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.units.models import AdministrativeUnit


def _decide(*, actor: Any, entry: InboxEntry, status: str, reason: str, action: str) -> InboxEntry:
    access.require(actor, access.CONTENT_RECEIVE, unit=entry.unit)
    with transaction.atomic():
        e = (
            InboxEntry.objects.select_for_update(of=("self",))
            .select_related("bulletin", "unit")
            .get(pk=entry.pk)
        )
        if e.status in (InboxStatus.FORCED, InboxStatus.WITHDRAWN):
            raise ValidationError("Tin khẩn cấp hoặc tin đã thu hồi không cần quyết định.")
        before = {"status": e.status, "reason": e.reason, "position": e.position}
        e.status = status
        e.reason = reason
        e.decided_at = timezone.now()
        e.decided_by = actor if getattr(actor, "pk", None) else None
        e.has_correction = False
        if status == InboxStatus.ACCEPTED and e.priority == Priority.PRIORITY and e.position is None:
            last = InboxEntry.objects.filter(
                unit=e.unit, priority=Priority.PRIORITY, status=InboxStatus.ACCEPTED
            ).aggregate(m=Max("position"))["m"]
            e.position = (last or 0) + 1
        if status != InboxStatus.ACCEPTED:
            e.position = None
        e.save()
        audit.record(
            actor=actor,
            action=action,
            target=e,
            unit=e.unit,
            target_label=f"{e.bulletin.title} → {e.unit.full_name}",
            before=before,
            after={"status": e.status, "reason": e.reason, "position": e.position, "revision": e.revision},
        )
    return e


def accept(*, actor: Any, entry: InboxEntry) -> InboxEntry:
    """Take the bulletin into the commune's schedule (also acknowledges a correction)."""
    return _decide(
        actor=actor, entry=entry, status=InboxStatus.ACCEPTED, reason="", action="content.inbox.accept"
    )


def decline(*, actor: Any, entry: InboxEntry, reason: str) -> InboxEntry:
    """Decline a normal bulletin, with the reason (priority and emergency ones cannot be declined)."""
    reason = nfc(reason)
    if entry.priority != Priority.NORMAL:
        raise ValidationError("Tin ưu tiên và tin khẩn cấp không được từ chối (Thông tư 39/2020/TT-BTTTT).")
    if not reason:
        raise ValidationError({"reason": ["Cần ghi lý do không phát."]})
    return _decide(
        actor=actor, entry=entry, status=InboxStatus.DECLINED, reason=reason, action="content.inbox.decline"
    )


def order_priority(*, actor: Any, unit: AdministrativeUnit, entry_ids: list[int]) -> list[InboxEntry]:
    """Set the airing order of the commune's accepted priority items (first id airs first)."""
    access.require(actor, access.CONTENT_RECEIVE, unit=unit)
    with transaction.atomic():
        entries = {
            e.pk: e
            for e in InboxEntry.objects.select_for_update().filter(
                unit=unit, priority=Priority.PRIORITY, status=InboxStatus.ACCEPTED
            )
        }
        if len(set(entry_ids)) != len(entry_ids) or set(entry_ids) != set(entries):
            raise ValidationError("Danh sách phải gồm đúng các tin ưu tiên đã nhận của xã, mỗi tin một lần.")
        before = {str(pk): e.position for pk, e in entries.items()}
        for position, pk in enumerate(entry_ids, start=1):
            entries[pk].position = position
        InboxEntry.objects.bulk_update(entries.values(), ["position"])
        audit.record(
            actor=actor,
            action="content.inbox.order_priority",
            unit=unit,
            target_label=f"Thứ tự tin ưu tiên — {unit.full_name}",
            before=before,
            after={str(pk): entries[pk].position for pk in entry_ids},
        )
    return [entries[pk] for pk in entry_ids]
