"""The status rules at their boundaries (pure functions, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from nguon.plan614.choices import TargetHealth, TaskHealth
from nguon.plan614.status import Point, elapsed_share, expected_value, target_state, task_state

HORIZON = date(2030, 12, 31)
BASE = Point(date(2024, 12, 31), Decimal(40))


def _on(days_after_base: int) -> date:
    return date.fromordinal(BASE.on.toordinal() + days_after_base)


def test_no_measurement_is_no_data() -> None:
    state = target_state([], Decimal(100), HORIZON)
    assert (state.health, state.latest, state.trend, state.progress) == (TargetHealth.NO_DATA, None, None, 0)


def test_a_single_measurement_is_its_own_baseline() -> None:
    state = target_state([BASE], Decimal(100), HORIZON)
    assert state.health == TargetHealth.ON_TRACK
    assert state.trend is None
    assert state.expected == Decimal(40)
    assert state.progress == 40


def test_on_the_line_is_on_track_and_just_below_is_at_risk() -> None:
    total = (HORIZON - BASE.on).days  # 2191 days from 31/12/2024 to 31/12/2030
    half = _on(total // 2)
    line = expected_value(BASE, Decimal(100), HORIZON, half)
    assert line == Decimal(40) + Decimal(60) * Decimal(total // 2) / Decimal(total)
    on_line = target_state([BASE, Point(half, line)], Decimal(100), HORIZON)
    assert on_line.health == TargetHealth.ON_TRACK
    below = target_state([BASE, Point(half, line - Decimal("0.01"))], Decimal(100), HORIZON)
    assert below.health == TargetHealth.AT_RISK
    assert below.trend == line - Decimal("0.01") - Decimal(40)


def test_reaching_the_target_is_achieved_even_early_and_a_fall_is_a_negative_trend() -> None:
    achieved = target_state([BASE, Point(_on(30), Decimal(100))], Decimal(100), HORIZON)
    assert achieved.health == TargetHealth.ACHIEVED
    assert achieved.progress == 100
    fell = target_state(
        [BASE, Point(_on(30), Decimal(100)), Point(_on(60), Decimal(90))], Decimal(100), HORIZON
    )
    assert fell.trend == Decimal(-10)
    # Below the target again, but above the line (40 + 60·60/2191 ≈ 41.6 on day 60): on track.
    assert fell.health == TargetHealth.ON_TRACK


def test_after_the_horizon_the_line_is_the_target() -> None:
    late = _on((HORIZON - BASE.on).days + 5)
    assert expected_value(BASE, Decimal(100), HORIZON, late) == Decimal(100)
    assert (
        target_state([BASE, Point(late, Decimal("99.99"))], Decimal(100), HORIZON).health
        == TargetHealth.AT_RISK
    )


START, END = date(2026, 1, 1), date(2026, 4, 10)  # 100 days, both included


def test_elapsed_share_counts_whole_days() -> None:
    assert elapsed_share(START, END, date(2025, 12, 31)) == 0
    assert elapsed_share(START, END, START) == 1
    assert elapsed_share(START, END, date(2026, 2, 19)) == 50  # day 50 of 100
    assert elapsed_share(START, END, END) == 100


def test_task_is_at_risk_only_more_than_15_points_behind() -> None:
    day50 = date(2026, 2, 19)
    assert task_state(35, START, END, day50).health == TaskHealth.ON_TRACK  # exactly 15 behind
    assert task_state(34, START, END, day50).health == TaskHealth.AT_RISK
    assert task_state(None, START, END, date(2026, 1, 15)).health == TaskHealth.ON_TRACK  # 15% elapsed
    assert task_state(None, START, END, date(2026, 1, 16)).health == TaskHealth.AT_RISK  # 16% elapsed


def test_task_overdue_after_its_end_done_at_100_not_started_before() -> None:
    after = date(2026, 4, 11)
    assert task_state(99, START, END, END).health == TaskHealth.ON_TRACK
    assert task_state(99, START, END, after).health == TaskHealth.OVERDUE
    assert task_state(100, START, END, after).health == TaskHealth.DONE
    assert task_state(100, START, END, date(2025, 6, 1)).health == TaskHealth.DONE
    before = task_state(None, START, END, date(2025, 12, 31))
    assert (before.health, before.percent, before.elapsed) == (TaskHealth.NOT_STARTED, None, 0)
