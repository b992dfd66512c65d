"""Reminders before a report's due date: 7 and 2 days before it, the people who submit a commune's report
(``reports.submit``) hear that it is still not sent — once per commune, cycle and threshold, however often
the job runs (``ReminderSent`` remembers what went out).

Only open rounds count: a round the province has not opened cannot be submitted to, and a locked one is
closed. Communes whose report is submitted or accepted are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.reports import periods
from nguon.reports.choices import ReportStatus
from nguon.reports.models import CommuneReport, ReminderSent, ReportCycle
from nguon.reports.selectors.tables import communes_of

#: Days before the due date when the reminders go out, most urgent last.
THRESHOLDS = (7, 2)
KIND = "report-due"
SENT = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})


@dataclass(frozen=True)
class ReminderSummary:
    cycles: int
    communes: int
    notices: int


def threshold_for(days_left: int) -> int | None:
    """The reminder due when ``days_left`` days remain (None: too early, or the day has passed)."""
    if days_left < 0:
        return None
    due = [t for t in THRESHOLDS if days_left <= t]
    return min(due) if due else None


def _message(period: periods.Period, days_left: int, unit_name: str) -> str:
    when = "hôm nay" if days_left == 0 else f"còn {days_left} ngày"
    return f"Báo cáo {period.label} của {unit_name} chưa gửi; hạn nộp {period.due:%d/%m/%Y} ({when})."


def remind_due(*, actor: Any = access.SYSTEM, today: date | None = None) -> ReminderSummary:
    """Notify the reporters of every commune whose report in an open round is not yet sent."""
    today = today or timezone.localdate()
    cycles = communes = notices = 0
    with transaction.atomic():
        open_cycles = ReportCycle.objects.filter(locked_at__isnull=True).select_related("province")
        for cycle in open_cycles:
            period = periods.parse(cycle.period)
            days_left = (period.due - today).days
            threshold = threshold_for(days_left)
            if threshold is None:
                continue
            sent_units = set(
                CommuneReport.objects.filter(cycle=cycle, status__in=SENT).values_list("unit_id", flat=True)
            )
            reminded = set(
                ReminderSent.objects.filter(cycle=cycle, threshold=threshold).values_list(
                    "unit_id", flat=True
                )
            )
            touched = False
            for unit in communes_of(cycle.province):
                if unit.pk in sent_units or unit.pk in reminded:
                    continue
                created = notify(
                    users=access.people_who_can(access.REPORTS_SUBMIT, unit=unit),
                    kind=KIND,
                    message=_message(period, days_left, unit.full_name),
                    url=reverse("reports:commune", args=[period.code, unit.code]),
                )
                ReminderSent.objects.create(
                    cycle=cycle, unit=unit, threshold=threshold, sent_at=timezone.now(), notices=len(created)
                )
                communes += 1
                notices += len(created)
                touched = True
            if touched:
                cycles += 1
        if communes:
            audit.record(
                actor=actor,
                action="reports.reminders.sent",
                target_label="Nhắc hạn báo cáo",
                after={"cycles": cycles, "communes": communes, "notices": notices},
            )
    return ReminderSummary(cycles, communes, notices)
