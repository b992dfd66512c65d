"""Background tasks of the reports app: thin, call the service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from nguon.core.access import SystemActor
from nguon.reports.services import rollup
from nguon.reports.services.reminders import remind_due

ACTOR = SystemActor("reports")


@task()
def remind_due_task(today: str | None = None) -> dict[str, Any]:
    """Daily: remind communes whose report is due in 7 or 2 days and not yet sent (``today``: ISO date,
    default the local date)."""
    summary = remind_due(actor=ACTOR, today=date.fromisoformat(today) if today else None)
    return {"cycles": summary.cycles, "communes": summary.communes, "notices": summary.notices}


@task()
def rollup_task() -> dict[str, Any]:
    """Every few minutes: roll the play receipts that arrived up into daily totals, so a report does not
    pay for it when it is opened."""
    days = rollup.refresh()
    return {"days": [d.isoformat() for d in days]}
