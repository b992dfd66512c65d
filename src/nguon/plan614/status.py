"""The status rules of the tracker, as pure functions (no database), so they can be tested at their
boundaries and documented in one place (docs/plan614.md says the same).

Target: *achieved* when the latest value ≥ the target value; *on track* when it is ≥ the straight line from
the baseline (the first measurement) to the target value on the horizon date (31/12/2030 or 31/12/2045);
*at risk* when below that line; *no data* without measurements. Trend: latest minus the previous value.

Task: *done* at 100%; *overdue* after its end date when not done; *at risk* when the latest percent is
behind the elapsed share of its period by more than 15 points; *not started* before its start date (“chưa
đến kỳ”); *on track* otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from nguon.plan614.choices import TargetHealth, TaskHealth

#: A task is at risk when its percent trails the elapsed share of its period by more than this.
TASK_SLACK_POINTS = Decimal(15)


@dataclass(frozen=True)
class Point:
    """One measurement: the day and the value."""

    on: date
    value: Decimal


@dataclass(frozen=True)
class TargetState:
    health: str
    latest: Point | None
    expected: Decimal | None  # the straight-line value on the latest measurement's day
    trend: Decimal | None  # latest minus previous; None with fewer than two measurements
    progress: int  # latest as a share of the target value, 0–100 (for the bar)


def expected_value(baseline: Point, target_value: Decimal, horizon_on: date, on: date) -> Decimal:
    """The straight-line path from ``baseline`` to ``target_value`` on ``horizon_on``, read on ``on``."""
    if on <= baseline.on:
        return baseline.value
    if on >= horizon_on or horizon_on <= baseline.on:
        return target_value
    share = Decimal((on - baseline.on).days) / Decimal((horizon_on - baseline.on).days)
    return baseline.value + (target_value - baseline.value) * share


def target_state(points: list[Point], target_value: Decimal, horizon_on: date) -> TargetState:
    """Where a target stands given its measurements (any order)."""
    ordered = sorted(points, key=lambda p: p.on)
    if not ordered:
        return TargetState(TargetHealth.NO_DATA, None, None, None, 0)
    latest = ordered[-1]
    trend = latest.value - ordered[-2].value if len(ordered) > 1 else None
    expected = expected_value(ordered[0], target_value, horizon_on, latest.on)
    if latest.value >= target_value:
        health = TargetHealth.ACHIEVED
    elif latest.value >= expected:
        health = TargetHealth.ON_TRACK
    else:
        health = TargetHealth.AT_RISK
    return TargetState(health, latest, expected, trend, progress_share(latest.value, target_value))


def progress_share(value: Decimal, target_value: Decimal) -> int:
    """``value`` as a whole percentage of ``target_value``, capped to 0–100."""
    if target_value <= 0:
        return 100
    share = (value * 100 / target_value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(min(Decimal(100), max(Decimal(0), share)))


@dataclass(frozen=True)
class TaskState:
    health: str
    percent: int | None  # latest percent reported; None before any update
    elapsed: int  # elapsed share of the period today, 0–100


def elapsed_share(start: date, end: date, today: date) -> Decimal:
    """How much of the period [start, end] (both days included) has passed by the end of ``today``,
    in percent 0–100."""
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(100)
    total = (end - start).days + 1
    return Decimal((today - start).days + 1) * 100 / Decimal(total)


def task_state(latest_percent: int | None, start: date, end: date, today: date) -> TaskState:
    """Where a task stands on ``today`` given its latest reported percent."""
    elapsed = elapsed_share(start, end, today)
    whole = int(elapsed.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    percent = latest_percent or 0
    if percent >= 100:
        return TaskState(TaskHealth.DONE, latest_percent, whole)
    if today > end:
        return TaskState(TaskHealth.OVERDUE, latest_percent, whole)
    if today < start:
        return TaskState(TaskHealth.NOT_STARTED, latest_percent, whole)
    if elapsed - Decimal(percent) > TASK_SLACK_POINTS:
        return TaskState(TaskHealth.AT_RISK, latest_percent, whole)
    return TaskState(TaskHealth.ON_TRACK, latest_percent, whole)
