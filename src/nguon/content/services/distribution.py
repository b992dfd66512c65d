"""Sending an approved bulletin down: commune inboxes (TT39) and per-channel deliveries.

A correction updates every inbox that had the bulletin and supersedes every delivery of the old
revision with one of the new revision (to the union of old and new destinations); a withdrawal marks
them all withdrawn. The channel issues (radio, e-boards, portal, outbound) act on these rows; the
signals in :mod:`nguon.content.signals` tell them once the change has committed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content import signals
from nguon.content.choices import Channel, DeliveryStatus, InboxStatus, Priority, Status, TargetScope
from nguon.content.models import Bulletin, Delivery, InboxEntry
from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: Channels delivered per commune; the others once for the bulletin's own unit.
PER_COMMUNE_CHANNELS = frozenset({Channel.RADIO, Channel.EBOARD})


def target_communes(bulletin: Bulletin) -> dict[AdministrativeUnit, list[str]]:
    """Each commune the bulletin reaches, with the residential units targeted in it (empty: all)."""
    if bulletin.target_scope == TargetScope.PROVINCE:
        communes = AdministrativeUnit.objects.filter(
            path__startswith=bulletin.unit.path, level=UnitLevel.COMMUNE, is_current=True
        )
        return {c: [] for c in communes}
    result: dict[AdministrativeUnit, list[str]] = {}
    for target in bulletin.targets.select_related("parent").order_by("path"):
        if target.level == UnitLevel.COMMUNE:
            result.setdefault(target, [])
        elif target.parent is not None:
            result.setdefault(target.parent, []).append(target.code)
    return result


def _inbox_status(bulletin: Bulletin, commune: AdministrativeUnit) -> str:
    if bulletin.priority == Priority.EMERGENCY:
        return InboxStatus.FORCED
    if commune.pk == bulletin.unit_id:
        return InboxStatus.ACCEPTED  # the commune's own approved bulletin
    return InboxStatus.PENDING


def distribute(*, actor: Any, bulletin: Bulletin) -> None:
    """Create or update inbox entries and deliveries for the approved revision; status → distributed.

    Runs inside the approving transaction.
    """
    from nguon.content.services.workflow import policy_for

    now = timezone.now()
    correcting = bulletin.live_revision is not None
    old_revision = bulletin.live_revision
    communes = target_communes(bulletin)
    inbox_hours = policy_for(bulletin.source_level).inbox_hours
    new_entries: list[InboxEntry] = []
    for commune, residential in communes.items():
        entry, created = InboxEntry.objects.get_or_create(
            bulletin=bulletin,
            unit=commune,
            defaults={
                "residential_codes": residential,
                "revision": bulletin.revision,
                "priority": bulletin.priority,
                "status": _inbox_status(bulletin, commune),
                "due_at": now + timedelta(hours=inbox_hours),
            },
        )
        if created:
            new_entries.append(entry)
        else:
            entry.residential_codes = residential
            entry.revision = bulletin.revision
            entry.priority = bulletin.priority
            entry.has_correction = True
            if bulletin.priority == Priority.EMERGENCY:
                entry.status = InboxStatus.FORCED
            entry.save()
    if correcting:
        # Entries of communes no longer targeted still carry the old text: they get the correction too.
        InboxEntry.objects.filter(bulletin=bulletin).exclude(unit__in=list(communes)).update(
            revision=bulletin.revision, has_correction=True
        )
    destinations = {(c, u.pk) for c in bulletin.channels if c in PER_COMMUNE_CHANNELS for u in communes}
    destinations |= {(c, bulletin.unit_id) for c in bulletin.channels if c not in PER_COMMUNE_CHANNELS}
    if old_revision is not None:
        previous = Delivery.objects.filter(
            bulletin=bulletin,
            revision=old_revision,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.DELIVERED],
        )
        destinations |= set(previous.values_list("channel", "unit_id"))
        previous.update(status=DeliveryStatus.SUPERSEDED)
    Delivery.objects.bulk_create(
        [
            Delivery(
                bulletin=bulletin, channel=c, unit_id=u, revision=bulletin.revision, is_correction=correcting
            )
            for c, u in sorted(destinations)
        ],
        ignore_conflicts=True,
    )
    bulletin.status = Status.DISTRIBUTED
    bulletin.live_revision = bulletin.revision
    bulletin.distributed_at = now
    if bulletin.first_distributed_at is None:
        bulletin.first_distributed_at = now
    bulletin.due_at = None
    bulletin.save()
    audit.record(
        actor=actor,
        action="content.bulletin.correct" if correcting else "content.bulletin.distribute",
        target=bulletin,
        unit=bulletin.unit,
        before={"live_revision": old_revision} if correcting else None,
        after={
            "status": Status.DISTRIBUTED,
            "live_revision": bulletin.revision,
            "communes": sorted(c.code for c in communes),
            "deliveries": len(destinations),
        },
    )
    _notify_communes(actor, bulletin, list(communes), correcting=correcting)
    bulletin_id, revision = bulletin.pk, bulletin.revision
    transaction.on_commit(
        lambda: signals.bulletin_distributed.send(
            sender=Bulletin,
            bulletin_id=bulletin_id,
            revision=revision,
            correcting=correcting,
            previous_revision=old_revision,
        )
    )


def _tell_communes(
    actor: Any, bulletin: Bulletin, communes: list[AdministrativeUnit], *, kind: str, message: str
) -> None:
    """One notice for each person who decides for any of ``communes`` (written in one insert)."""
    people = {
        user.pk: user
        for commune in communes
        for user in access.people_who_can(access.CONTENT_RECEIVE, unit=commune)
    }
    notify(
        users=people.values(),
        kind=kind,
        message=message,
        url=reverse("content:inbox"),
        bulletin=bulletin,
        exclude=actor,
    )


def _notify_communes(
    actor: Any, bulletin: Bulletin, communes: list[AdministrativeUnit], *, correcting: bool
) -> None:
    if correcting:
        message = f"Bản tin đã được đính chính: {bulletin.title}"
    elif bulletin.priority == Priority.EMERGENCY:
        message = f"TIN KHẨN CẤP — phát ngay: {bulletin.title}"
    else:
        message = f"Tin mới gửi xã ({bulletin.get_priority_display()}): {bulletin.title}"
    # a commune's own bulletin needs no notice to itself, except when it is corrected
    others = [c for c in communes if correcting or c.pk != bulletin.unit_id]
    _tell_communes(actor, bulletin, others, kind="inbox-new", message=message)


def withdraw_everywhere(*, actor: Any, bulletin: Bulletin, reason: str) -> None:
    """Mark every inbox entry and delivery of ``bulletin`` withdrawn, and tell the communes."""
    InboxEntry.objects.filter(bulletin=bulletin).update(status=InboxStatus.WITHDRAWN, reason=reason)
    count = Delivery.objects.filter(
        bulletin=bulletin, status__in=[DeliveryStatus.PENDING, DeliveryStatus.DELIVERED]
    ).update(status=DeliveryStatus.WITHDRAWN)
    communes = list(AdministrativeUnit.objects.filter(inbox_entries__bulletin=bulletin))
    audit.record(
        actor=actor,
        action="content.bulletin.withdraw_everywhere",
        target=bulletin,
        unit=bulletin.unit,
        after={"deliveries": count, "communes": sorted(c.code for c in communes)},
    )
    _tell_communes(
        actor,
        bulletin,
        communes,
        kind="inbox-withdrawn",
        message=f"Bản tin đã bị thu hồi: {bulletin.title} — {reason}",
    )
    bulletin_id = bulletin.pk
    transaction.on_commit(
        lambda: signals.bulletin_withdrawn.send(sender=Bulletin, bulletin_id=bulletin_id, reason=reason)
    )
