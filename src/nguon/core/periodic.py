"""Periodic jobs: which background task runs how often, and the scheduler that enqueues them.

``nguon start`` runs ``nguon scheduler`` beside the task worker: every few seconds it enqueues each job
whose interval has passed since it was last enqueued (:class:`nguon.core.models.PeriodicRun`), and the
worker runs it. The decision is made under row locks in one transaction, so several schedulers (a restart,
a second host) enqueue a job once per interval. A job whose feature is not configured (no central system
address, no outbound destination) enqueues a task that returns at once; tasks stay thin and idempotent.

The table is the single place to read what runs in the background and how often (docs/periodic-jobs.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.db import transaction
from django.utils import timezone

from nguon.core.models import PeriodicRun


@dataclass(frozen=True)
class PeriodicJob:
    """A background task (dotted path to a django-tasks ``Task``) to enqueue every ``every``."""

    name: str
    task: str
    every: timedelta
    kwargs: dict[str, Any] = field(default_factory=dict)
    purpose: str = ""


def _m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "devices.alerts",
        "nguon.devices.tasks.check_device_alerts_task",
        _m(1),
        purpose="offline and unhealthy devices past their threshold raise (and clear) alerts",
    ),
    PeriodicJob(
        "outbound.deliver",
        "nguon.outbound.tasks.deliver_task",
        timedelta(seconds=30),
        {"limit": 10},
        purpose="a safety net: `nguon start` runs `nguon outbound deliver --loop` for due messages",
    ),
    PeriodicJob(
        "feedback.central_push",
        "nguon.feedback.tasks.push_central_app_task",
        _m(1),
        purpose="status and answers back to the national mobile app",
    ),
    PeriodicJob(
        "content.central_pull",
        "nguon.content.tasks.pull_central_task",
        _m(5),
        purpose="bulletins from the central source system",
    ),
    PeriodicJob(
        "boards.compile",
        "nguon.boards.tasks.compile_all_task",
        _m(5),
        purpose="e-board manifests move their horizon on; expired items leave",
    ),
    PeriodicJob(
        "reports.rollup",
        "nguon.reports.tasks.rollup_task",
        _m(10),
        purpose="play receipts rolled up into daily totals for reports",
    ),
    PeriodicJob(
        "feedback.deadlines",
        "nguon.feedback.tasks.remind_and_escalate_task",
        _m(15),
        purpose="reminders and escalation of feedback near or past its deadline",
    ),
    PeriodicJob(
        "centralsync.push",
        "nguon.centralsync.tasks.push_task",
        _m(15),
        purpose="inventory, bulletins, broadcast results and statistics up to the central system",
    ),
    PeriodicJob(
        "radio.compile",
        "nguon.radio.tasks.compile_all_task",
        _m(60),
        purpose="radio schedules compiled into device manifests up to the horizon",
    ),
    PeriodicJob(
        "reports.reminders",
        "nguon.reports.tasks.remind_due_task",
        _m(24 * 60),
        purpose="communes reminded 7 and 2 days before a report is due",
    ),
    PeriodicJob(
        "plan614.measure",
        "nguon.plan614.tasks.measure_task",
        _m(24 * 60),
        purpose="Đề án 614 targets measured from the system's rows",
    ),
    PeriodicJob(
        "feedback.retention",
        "nguon.feedback.tasks.anonymise_expired_task",
        _m(24 * 60),
        purpose="personal data of long-closed feedback blanked",
    ),
)


def load_task(path: str) -> Any:
    """The django-tasks ``Task`` object at a dotted path (``package.module.name``)."""
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def run_due(*, now: datetime | None = None, jobs: Iterable[PeriodicJob] = JOBS) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names enqueued (in table order)."""
    now = now or timezone.now()
    jobs = tuple(jobs)
    enqueued: list[str] = []
    with transaction.atomic():
        PeriodicRun.objects.bulk_create([PeriodicRun(name=job.name) for job in jobs], ignore_conflicts=True)
        runs = {
            r.name: r for r in PeriodicRun.objects.select_for_update().filter(name__in=[j.name for j in jobs])
        }
        for job in jobs:
            run = runs[job.name]
            if run.last_enqueued_at is not None and now - run.last_enqueued_at < job.every:
                continue
            result = load_task(job.task).enqueue(**job.kwargs)
            run.last_enqueued_at = now
            run.last_task_id = str(getattr(result, "id", ""))[:64]
            run.runs += 1
            run.save(update_fields=["last_enqueued_at", "last_task_id", "runs"])
            enqueued.append(job.name)
    return enqueued


def next_due(*, now: datetime | None = None, jobs: Iterable[PeriodicJob] = JOBS) -> dict[str, datetime]:
    """When each job is next due (now, for a job never enqueued)."""
    now = now or timezone.now()
    last: dict[str, datetime | None] = dict(PeriodicRun.objects.values_list("name", "last_enqueued_at"))
    due: dict[str, datetime] = {}
    for job in jobs:
        previous = last.get(job.name)
        due[job.name] = previous + job.every if previous is not None else now
    return due
