"""Deadline reminders: whoever must act on an overdue step hears about it, at most once a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content.choices import InboxStatus, Status
from nguon.content.models import Bulletin, InboxEntry, Notification
from nguon.content.services.notifications import notify
from nguon.core import access, audit

QUIET = timedelta(hours=24)


@dataclass(frozen=True)
class ReminderSummary:
    bulletins: int
    inbox_entries: int
    notices: int


def _recently_reminded(bulletin: Bulletin, kind: str) -> bool:
    return Notification.objects.filter(
        bulletin=bulletin, kind=kind, created_at__gte=timezone.now() - QUIET
    ).exists()


def _people_for(bulletin: Bulletin) -> list[Any]:
    from nguon.content.services.workflow import appraisal_unit, approval_unit

    if bulletin.status == Status.SUBMITTED:
        return list(access.people_who_can(access.CONTENT_APPRAISE, unit=appraisal_unit(bulletin)))
    if bulletin.status == Status.APPRAISED:
        return list(access.people_who_can(access.CONTENT_APPROVE, unit=approval_unit(bulletin)))
    return [bulletin.created_by] if bulletin.created_by is not None else []


def remind_overdue(*, actor: Any = access.SYSTEM) -> ReminderSummary:
    """Notify the people of every overdue workflow step and every overdue commune decision."""
    now = timezone.now()
    bulletins = inbox = notices = 0
    with transaction.atomic():
        overdue = Bulletin.objects.filter(
            due_at__lt=now, status__in=[Status.SUBMITTED, Status.APPRAISED, Status.RETURNED]
        ).select_related("unit", "created_by")
        for b in overdue:
            if _recently_reminded(b, "overdue"):
                continue
            created = notify(
                users=_people_for(b),
                kind="overdue",
                message=f"Quá hạn xử lý ({b.get_status_display()}): {b.title}",
                url=reverse("content:bulletin", args=[b.pk]),
                bulletin=b,
            )
            bulletins += 1
            notices += len(created)
        late_entries = InboxEntry.objects.filter(due_at__lt=now, status=InboxStatus.PENDING).select_related(
            "bulletin", "unit"
        )
        for entry in late_entries:
            recent = Notification.objects.filter(
                bulletin=entry.bulletin,
                kind="inbox-overdue",
                created_at__gte=now - QUIET,
                user__grants__unit=entry.unit,
            ).exists()
            if recent:
                continue
            created = notify(
                users=access.people_who_can(access.CONTENT_RECEIVE, unit=entry.unit),
                kind="inbox-overdue",
                message=f"Tin đến quá hạn quyết định: {entry.bulletin.title}",
                url=reverse("content:inbox"),
                bulletin=entry.bulletin,
            )
            inbox += 1
            notices += len(created)
        if bulletins or inbox:
            audit.record(
                actor=actor,
                action="content.reminders.sent",
                target_label="Nhắc việc quá hạn",
                after={"bulletins": bulletins, "inbox_entries": inbox, "notices": notices},
            )
    return ReminderSummary(bulletins, inbox, notices)
