"""Reads of the Đề án 614 tracker: who may see and act, the targets and tasks with their status.

Who sees it: anyone who may read reports (``reports.view``) in the plan's province — placed in it or in a
unit below it, by a unit or an organisation grant — or above it. Who manages targets, tasks and entered
values: ``plan614.manage`` over the province. Who reports progress on a task (``plan614.report``): the
people of its lead and partner organisations (organisation grants) and of its lead and partner units
(unit grants placed in that unit or below it, or covering it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from nguon.core import access
from nguon.plan614.choices import TargetHealth, TaskHealth
from nguon.plan614.models import Measurement, ProgressUpdate, Target, Task
from nguon.plan614.status import Point, TargetState, TaskState, target_state, task_state
from nguon.units.models import AdministrativeUnit


def local_today() -> date:
    return timezone.localdate()


def get_plan_unit() -> AdministrativeUnit:
    """The province that runs the plan: the installation's province (``NGUON_PROVINCE_CODE``)."""
    unit = AdministrativeUnit.objects.filter(path=f"{settings.NGUON_PROVINCE_CODE}/").first()
    if unit is None:
        raise Http404
    return unit


def _related(path: str | None, unit: AdministrativeUnit) -> bool:
    return path is not None and (path.startswith(unit.path) or unit.path.startswith(path))


def may_view(user: Any, unit: AdministrativeUnit) -> bool:
    """May ``user`` read the tracker of the plan run by ``unit``?"""
    if isinstance(user, access.SystemActor):
        return True
    for grant in access.grants_for(user, access.REPORTS_VIEW):
        if grant.is_global or _related(grant.unit_path or grant.organisation_unit_path, unit):
            return True
    return False


def may_manage(user: Any, unit: AdministrativeUnit) -> bool:
    return access.can(user, access.PLAN614_MANAGE, unit=unit)


def may_report(user: Any, task: Task) -> bool:
    """May ``user`` post a progress update on ``task`` (see the module docstring)?"""
    if may_manage(user, task.unit):
        return True
    org_ids = {o.pk for o in task.lead_organisations.all()} | {o.pk for o in task.partners.all()}
    units = list(task.lead_units.all()) + list(task.partner_units.all())
    for grant in access.grants_for(user, access.PLAN614_REPORT):
        if grant.is_global:
            return True
        if grant.organisation_id is not None:
            if grant.organisation_id in org_ids:
                return True
            continue
        if any(_related(grant.unit_path, unit) for unit in units):
            return True
    return False


def _targets() -> QuerySet[Target]:
    return Target.objects.select_related("unit").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
    )


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("unit").prefetch_related(
        "lead_organisations",
        "lead_units",
        "partners",
        "partner_units",
        Prefetch("updates", queryset=ProgressUpdate.objects.order_by("reported_on", "id")),
    )


@dataclass
class TargetRow:
    target: Target
    state: TargetState
    measurements: list[Measurement]

    @property
    def health_label(self) -> str:
        return str(TargetHealth(self.state.health).label)

    @property
    def trend_direction(self) -> str:
        if self.state.trend is None:
            return ""
        return "up" if self.state.trend > 0 else ("down" if self.state.trend < 0 else "flat")


@dataclass
class TaskRow:
    task: Task
    state: TaskState
    updates: list[ProgressUpdate]

    @property
    def health_label(self) -> str:
        return str(TaskHealth(self.state.health).label)

    @property
    def latest(self) -> ProgressUpdate | None:
        return self.updates[-1] if self.updates else None


def target_row(target: Target) -> TargetRow:
    measurements = list(target.measurements.all())
    points = [Point(m.measured_on, Decimal(m.value)) for m in measurements]
    return TargetRow(target, target_state(points, target.target_value, target.horizon_date), measurements)


def task_row(task: Task, today: date | None = None) -> TaskRow:
    updates = list(task.updates.all())
    latest = updates[-1].percent if updates else None
    state = task_state(latest, task.period_start, task.period_end, today or local_today())
    return TaskRow(task, state, updates)


def list_targets(*, user: Any, horizon: int | None = None, health: str | None = None) -> list[TargetRow]:
    """The plan's targets with their status, for a person who may view the plan (else 404)."""
    unit = get_plan_unit()
    if not may_view(user, unit):
        raise Http404
    queryset = _targets().filter(unit=unit)
    if horizon:
        queryset = queryset.filter(horizon=horizon)
    rows = [target_row(t) for t in queryset]
    if health in TargetHealth.values:
        rows = [r for r in rows if r.state.health == health]
    return rows


def list_tasks(*, user: Any, health: str | None = None, today: date | None = None) -> list[TaskRow]:
    """The plan's tasks with their status, for a person who may view the plan (else 404)."""
    unit = get_plan_unit()
    if not may_view(user, unit):
        raise Http404
    rows = [task_row(t, today) for t in _tasks().filter(unit=unit).order_by("number")]
    if health in TaskHealth.values:
        rows = [r for r in rows if r.state.health == health]
    return rows


def get_target(*, user: Any, pk: int) -> Target:
    target = _targets().filter(pk=pk).first()
    if target is None or not may_view(user, target.unit):
        raise Http404
    return target


def get_task(*, user: Any, pk: int) -> Task:
    task = _tasks().filter(pk=pk).first()
    if task is None or not may_view(user, task.unit):
        raise Http404
    return task
