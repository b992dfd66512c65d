"""Which bulletins a commune may put on its radio: its own approved ones and those it accepted (TT39)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from nguon.content.choices import InboxStatus, Priority, Status
from nguon.content.models import Bulletin, InboxEntry
from nguon.units.models import AdministrativeUnit

AIRABLE_STATUSES = (Status.APPROVED, Status.DISTRIBUTED)


def airable_bulletins(unit: AdministrativeUnit) -> QuerySet[Bulletin]:
    """Approved bulletins of the commune itself, and bulletins sent down that it accepted or that arrived
    forced (emergency), not withdrawn."""
    received = InboxEntry.objects.filter(
        unit=unit, status__in=(InboxStatus.ACCEPTED, InboxStatus.FORCED)
    ).values("bulletin_id")
    return (
        Bulletin.objects.filter(status__in=AIRABLE_STATUSES, live_revision__isnull=False)
        .filter(Q(unit=unit) | Q(pk__in=received))
        .select_related("audio_render")
        .order_by("-approved_at", "-pk")
    )


def accepted_priority_entries(unit: AdministrativeUnit) -> QuerySet[InboxEntry]:
    """The commune's accepted priority bulletins in the order the commune set (TT39: they go ahead of normal
    content in every programme while valid; where they clash the commune orders them)."""
    return (
        InboxEntry.objects.filter(
            unit=unit,
            priority=Priority.PRIORITY,
            status=InboxStatus.ACCEPTED,
            bulletin__status__in=AIRABLE_STATUSES,
        )
        .select_related("bulletin", "bulletin__audio_render")
        .order_by("position", "received_at", "pk")
    )
