"""Statutory deadlines: a reminder to the handlers shortly before the due date, an escalation once it
has passed. Each happens once per feedback (``reminded_at``, ``escalated_at``; reopening clears both).

* **Reminder** — open feedback due within :data:`REMIND_BEFORE`: the assignee, or every handler of the
  handling unit/organisation when nobody is assigned, gets an in-app notice (and e-mail).
* **Escalation** — open feedback past its due date: the approvers (``feedback.approve``) of the handling
  unit/organisation *and* of the province are told.

Both add an internal timeline event and an audit record. Run by ``nguon feedback remind`` or the task
``remind_and_escalate_task`` (schedule it hourly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse

from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.feedback.choices import OPEN_STATUSES, EventKind
from nguon.feedback.models import Feedback
from nguon.feedback.selectors.staff import province
from nguon.feedback.services.events import add_event

REMIND_BEFORE = timedelta(days=2)


@dataclass(frozen=True)
class DeadlineSummary:
    reminded: int
    escalated: int
    notices: int

    def as_dict(self) -> dict[str, int]:
        return {"reminded": self.reminded, "escalated": self.escalated, "notices": self.notices}


def _open() -> Any:
    return Feedback.objects.filter(status__in=OPEN_STATUSES).select_related(
        "handling_unit", "handling_organisation", "assignee"
    )


def _handlers(feedback: Feedback) -> list[Any]:
    if feedback.assignee is not None and feedback.assignee.is_active:
        return [feedback.assignee]
    return list(
        access.people_who_can(
            access.FEEDBACK_HANDLE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
        )
    )


def _approvers(feedback: Feedback) -> list[Any]:
    people = {
        u.pk: u
        for u in access.people_who_can(
            access.FEEDBACK_APPROVE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
        )
    }
    for u in access.people_who_can(access.FEEDBACK_APPROVE, unit=province()):
        people.setdefault(u.pk, u)
    return list(people.values())


def _mark(feedback: Feedback, *, field: str, now: datetime, kind: str, message: str, actor: Any) -> bool:
    """Set ``field`` once (under a row lock); False when another run did it first."""
    with transaction.atomic():
        row = Feedback.objects.select_for_update(of=("self",)).get(pk=feedback.pk)
        if getattr(row, field) is not None or row.status not in OPEN_STATUSES:
            return False
        setattr(row, field, now)
        row.save(update_fields=[field, "updated_at"])
        add_event(feedback=row, kind=kind, actor=actor, message=message)
        audit.record(
            actor=actor,
            action=f"feedback.{'remind' if field == 'reminded_at' else 'escalate'}",
            target=row,
            unit=feedback.handling_unit,
            after={field: now.isoformat(), "due_at": row.due_at.isoformat()},
        )
    return True


def remind_and_escalate(now: datetime, *, actor: Any = None) -> DeadlineSummary:
    """Send the reminders and escalations due at ``now``; safe to run as often as wanted."""
    actor = actor or access.SystemActor("feedback deadlines")
    reminded = escalated = notices = 0
    for feedback in _open().filter(escalated_at__isnull=True, due_at__lt=now).order_by("due_at", "pk"):
        if not _mark(
            feedback,
            field="escalated_at",
            now=now,
            kind=EventKind.ESCALATED,
            message="Quá hạn xử lý; đã báo lãnh đạo đơn vị và cấp tỉnh.",
            actor=actor,
        ):
            continue
        escalated += 1
        with transaction.atomic():
            notices += len(
                notify(
                    users=_approvers(feedback),
                    kind="feedback-overdue",
                    message=f"Phản ánh {feedback.public_id} đã quá hạn xử lý: {feedback.title}"[:500],
                    url=reverse("feedback:detail", args=[feedback.public_id]),
                )
            )
    soon = _open().filter(
        reminded_at__isnull=True, escalated_at__isnull=True, due_at__gte=now, due_at__lte=now + REMIND_BEFORE
    )
    for feedback in soon.order_by("due_at", "pk"):
        if not _mark(
            feedback,
            field="reminded_at",
            now=now,
            kind=EventKind.REMINDED,
            message="Sắp đến hạn xử lý; đã nhắc người xử lý.",
            actor=actor,
        ):
            continue
        reminded += 1
        with transaction.atomic():
            notices += len(
                notify(
                    users=_handlers(feedback),
                    kind="feedback-due-soon",
                    message=f"Phản ánh {feedback.public_id} sắp đến hạn xử lý: {feedback.title}"[:500],
                    url=reverse("feedback:detail", args=[feedback.public_id]),
                )
            )
    return DeadlineSummary(reminded=reminded, escalated=escalated, notices=notices)
