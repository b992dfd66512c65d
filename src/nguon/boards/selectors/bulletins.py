"""Which bulletins a unit's boards may show, and the text they show (the live revision's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from nguon.content.choices import InboxStatus, Status
from nguon.content.models import Bulletin, BulletinRevision, InboxEntry
from nguon.units.models import AdministrativeUnit

#: Inbox decisions under which a commune may put a bulletin sent down to it on its boards.
RECEIVED = (InboxStatus.PENDING, InboxStatus.ACCEPTED, InboxStatus.FORCED)


def showable_bulletins(unit: AdministrativeUnit) -> QuerySet[Bulletin]:
    """Bulletins with a published (live) revision that are not withdrawn, written in ``unit`` or below
    it, or sent down to ``unit`` (its inbox, not declined). A bulletin being corrected stays showable:
    its live revision is what boards show until the correction is approved."""
    received = InboxEntry.objects.filter(unit=unit, status__in=RECEIVED).values("bulletin_id")
    return (
        Bulletin.objects.filter(live_revision__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .filter(Q(unit__path__startswith=unit.path) | Q(pk__in=received))
        .order_by("-approved_at", "-pk")
    )


def is_showable(bulletin: Bulletin, unit: AdministrativeUnit) -> bool:
    return showable_bulletins(unit).filter(pk=bulletin.pk).exists()


@dataclass(frozen=True)
class LiveText:
    """What a board shows of a bulletin: the live revision's title, summary and text."""

    title: str
    summary: str
    body_text: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def live_texts(bulletin_ids: Iterable[int]) -> dict[int, LiveText]:
    """Bulletin pk → its live text, for the showable ones among ``bulletin_ids`` (withdrawn ones and those
    never published are absent). Two queries whatever the number of bulletins."""
    ids = set(bulletin_ids)
    if not ids:
        return {}
    rows = list(
        Bulletin.objects.filter(pk__in=ids, live_revision__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .only(
            "pk",
            "title",
            "summary",
            "body_text",
            "status",
            "revision",
            "live_revision",
            "valid_from",
            "valid_until",
        )
    )
    out: dict[int, LiveText] = {}
    correcting: dict[tuple[int, int], Bulletin] = {}
    for b in rows:
        if b.status in (Status.APPROVED, Status.DISTRIBUTED) and b.live_revision == b.revision:
            out[b.pk] = LiveText(b.title, b.summary, b.body_text, b.valid_from, b.valid_until)
        else:
            correcting[(b.pk, b.live_revision or 0)] = b
    if correcting:
        condition = Q()
        for pk, number in correcting:
            condition |= Q(bulletin_id=pk, number=number)
        for revision in BulletinRevision.objects.filter(condition):
            data = revision.data or {}
            base = correcting[(revision.bulletin_id, revision.number)]
            out[revision.bulletin_id] = LiveText(
                str(data.get("title") or base.title),
                str(data.get("summary") or ""),
                str(data.get("body_text") or ""),
                base.valid_from,
                base.valid_until,
            )
    return out
