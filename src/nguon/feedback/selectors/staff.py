"""Reads for the handlers' screens: the queue, one feedback with its timeline, who may take it on.

Every list goes through :func:`nguon.core.access.scope` with ``feedback.handle``: a handler sees the
feedback handled by their unit subtree or their organisation, with the sender's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from nguon.core import access
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Channel, Status
from nguon.feedback.models import Answer, Feedback, FeedbackAttachment, FeedbackCategory, FeedbackEvent
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; empty strings mean "every"."""

    status: str = ""
    category: str = ""
    channel: str = ""
    commune: str = ""
    overdue: bool = False
    mine: bool = False
    query: str = ""


def handled(user: Any) -> QuerySet[Feedback]:
    """Every feedback ``user`` handles (the base of the queue and of the detail screen)."""
    return access.scope(
        user,
        Feedback.objects.select_related(
            "category", "unit", "handling_unit", "handling_organisation", "assignee", "possible_duplicate_of"
        ),
        access.FEEDBACK_HANDLE,
    )


def queue(user: Any, filters: QueueFilters, *, now: datetime) -> QuerySet[Feedback]:
    """The handler's queue, open items first by due date, then the others newest first."""
    rows = handled(user)
    if filters.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.status in Status.values:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category__code=filters.category)
    if filters.channel in Channel.values:
        rows = rows.filter(channel=filters.channel)
    if filters.commune:
        rows = rows.filter(unit__code=filters.commune, unit__is_current=True)
    if filters.overdue:
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if filters.mine:
        rows = rows.filter(assignee_id=getattr(user, "pk", None))
    if filters.query:
        text = filters.query.strip()
        rows = rows.filter(Q(public_id__icontains=text) | Q(title__icontains=text))
    return rows.order_by("due_at", "pk") if filters.status == "open" else rows.order_by("-received_at", "-pk")


def get_handled(user: Any, public_id: str) -> Feedback:
    """One feedback ``user`` handles; Http404 for missing and forbidden alike."""
    return access.get_scoped_or_404(
        user,
        Feedback.objects.select_related(
            "category",
            "unit",
            "residential_unit",
            "handling_unit",
            "handling_organisation",
            "assignee",
            "entered_by",
            "api_client",
            "possible_duplicate_of",
        ),
        access.FEEDBACK_HANDLE,
        public_id=public_id,
    )


def timeline(feedback: Feedback) -> QuerySet[FeedbackEvent]:
    """The full timeline, internal events included (handlers only)."""
    return feedback.events.select_related("actor").order_by("at", "pk")


def attachments(feedback: Feedback) -> QuerySet[FeedbackAttachment]:
    return feedback.attachments.select_related("blob").order_by("pk")


def current_answer(feedback: Feedback) -> Answer | None:
    """The answer being worked on (draft, returned or awaiting approval), else the newest approved one."""
    working = (
        feedback.answers.filter(
            status__in=[AnswerStatus.DRAFT, AnswerStatus.RETURNED, AnswerStatus.SUBMITTED]
        )
        .select_related("drafted_by", "approved_by", "bulletin")
        .last()
    )
    if working is not None:
        return working
    return (
        feedback.answers.filter(status=AnswerStatus.APPROVED)
        .select_related("drafted_by", "approved_by", "bulletin")
        .last()
    )


def assignable(feedback: Feedback) -> QuerySet[Any]:
    """The people who may handle ``feedback`` at its handling unit/organisation."""
    return access.people_who_can(
        access.FEEDBACK_HANDLE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
    ).order_by("full_name", "username")


def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(
        code=settings.NGUON_PROVINCE_CODE, level=UnitLevel.PROVINCE, is_current=True
    )


def province_units() -> QuerySet[AdministrativeUnit]:
    """The province and its current communes: where feedback can be transferred."""
    return AdministrativeUnit.objects.filter(
        Q(level=UnitLevel.PROVINCE) | Q(level=UnitLevel.COMMUNE),
        is_current=True,
        path__startswith=f"{settings.NGUON_PROVINCE_CODE}/",
    ).order_by("level", "name")


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        is_active=True, unit__path__startswith=f"{settings.NGUON_PROVINCE_CODE}/"
    ).select_related("unit")


def entry_communes(user: Any) -> QuerySet[AdministrativeUnit]:
    """The communes where ``user`` may enter feedback received by phone or in person."""
    return access.scope(
        user,
        AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE,
            is_current=True,
            path__startswith=f"{settings.NGUON_PROVINCE_CODE}/",
        ).order_by("name"),
        access.FEEDBACK_HANDLE,
    )


def active_categories() -> QuerySet[FeedbackCategory]:
    return FeedbackCategory.objects.filter(active=True)
