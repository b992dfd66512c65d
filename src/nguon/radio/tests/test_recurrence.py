"""Recurrence (``radio/recurrence.py``): month ends, leap years, slots across midnight, Asia/Ho_Chi_Minh."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nguon.radio import recurrence
from nguon.radio.recurrence import RecurrenceError, Rule, local_dates, slot_on, slots_between

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEVEN = timedelta(hours=7)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
times = st.builds(time, st.integers(0, 23), st.sampled_from((0, 15, 30, 45, 59)))
lengths = st.integers(1, 24 * 60).map(lambda m: timedelta(minutes=m))


def rule(rrule: str, starts_on: date, **kw: object) -> Rule:
    return Rule(starts_on=starts_on, start_time=time(6, 0), duration=timedelta(minutes=30), rrule=rrule, **kw)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(days, st.integers(0, 120))
def test_daily_covers_every_date_across_month_ends(first: date, span: int) -> None:
    last = first + timedelta(days=span)
    assert local_dates(rule("FREQ=DAILY", first), first, last) == [
        first + timedelta(days=n) for n in range(span + 1)
    ]


@settings(max_examples=100, deadline=None)
@given(days, st.sets(st.sampled_from(recurrence.WEEKDAYS), min_size=1))
def test_weekly_only_on_the_chosen_weekdays(first: date, weekdays: set[str]) -> None:
    last = first + timedelta(days=60)
    got = local_dates(rule(recurrence.weekly_rule(weekdays), first), first, last)
    expected = [
        first + timedelta(days=n)
        for n in range(61)
        if recurrence.WEEKDAYS[(first + timedelta(days=n)).weekday()] in weekdays
    ]
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(2024, 2030), st.integers(29, 31))
def test_monthly_on_day_29_to_31_skips_short_months(year: int, day: int) -> None:
    first, last = date(year, 1, 1), date(year, 12, 31)
    got = local_dates(rule(f"FREQ=MONTHLY;BYMONTHDAY={day}", first), first, last)
    expected = [date(year, m, day) for m in range(1, 13) if calendar.monthrange(year, m)[1] >= day]
    assert got == expected


@settings(max_examples=50, deadline=None)
@given(st.integers(2024, 2030))
def test_last_day_of_month_includes_leap_february(year: int) -> None:
    first, last = date(year, 1, 1), date(year, 12, 31)
    got = local_dates(rule("FREQ=MONTHLY;BYMONTHDAY=-1", first), first, last)
    assert got == [date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]
    assert got[1] == date(year, 2, 29 if calendar.isleap(year) else 28)


def test_yearly_on_february_29_only_in_leap_years() -> None:
    got = local_dates(
        rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2024, 1, 1)), date(2024, 1, 1), date(2032, 12, 31)
    )
    assert got == [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]


@settings(max_examples=200, deadline=None)
@given(days, times, lengths)
def test_slots_are_local_and_cross_midnight_onto_the_next_date(
    day: date, start: time, length: timedelta
) -> None:
    r = Rule(starts_on=day, start_time=start, duration=length, rrule="FREQ=DAILY")
    slot = slot_on(r, day, TZ)
    assert slot.start.utcoffset() == SEVEN  # Việt Nam: +07:00 all year, no DST
    assert slot.end.astimezone(TZ).utcoffset() == SEVEN
    assert slot.start.astimezone(TZ).date() == day
    assert slot.start.astimezone(TZ).time() == start
    assert slot.end - slot.start == length
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=TZ)
    crosses = slot.end > midnight
    assert crosses == recurrence.crosses_midnight(r)
    if crosses:
        assert slot.end.astimezone(TZ).date() == day + timedelta(days=1)
    # the same instant in UTC is seven hours earlier
    assert slot.start.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) == datetime.combine(day, start) - SEVEN


def test_across_midnight_example() -> None:
    r = Rule(
        starts_on=date(2026, 1, 31), start_time=time(23, 30), duration=timedelta(hours=1), rrule="FREQ=DAILY"
    )
    slot = slot_on(r, date(2026, 1, 31), TZ)
    assert slot.end.isoformat() == "2026-02-01T00:30:00+07:00"
    assert slot.start.astimezone(ZoneInfo("UTC")).isoformat() == "2026-01-31T16:30:00+00:00"


@settings(max_examples=100, deadline=None)
@given(days, times, lengths, st.integers(0, 48 * 60), st.integers(1, 72 * 60))
def test_slots_between_finds_exactly_the_airings_that_meet_the_window(
    day: date, start: time, length: timedelta, offset: int, span: int
) -> None:
    r = Rule(starts_on=day, start_time=start, duration=length, rrule="FREQ=DAILY")
    lo = datetime.combine(day, time(), tzinfo=TZ) + timedelta(minutes=offset)
    hi = lo + timedelta(minutes=span)
    got = slots_between(r, lo, hi, TZ)
    brute = [slot_on(r, d, TZ) for d in local_dates(r, day, hi.astimezone(TZ).date())]
    assert got == [s for s in brute if s.end > lo and s.start < hi]


def test_rdates_exdates_and_end_date() -> None:
    r = Rule(
        starts_on=date(2026, 2, 1),
        start_time=time(6),
        duration=timedelta(minutes=30),
        rrule="FREQ=WEEKLY;BYDAY=MO",
        rdates=(date(2026, 2, 28), date(2026, 4, 1)),
        exdates=(date(2026, 2, 9),),
        ends_on=date(2026, 3, 2),
    )
    assert local_dates(r, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 2, 2),
        date(2026, 2, 16),
        date(2026, 2, 23),
        date(2026, 2, 28),
        date(2026, 3, 2),
    ]


@pytest.mark.parametrize(
    ("quiet", "slot_time", "minutes", "expected"),
    [
        ((time(22), time(5)), time(21, 30), 30, False),
        ((time(22), time(5)), time(21, 30), 31, True),
        ((time(22), time(5)), time(4, 30), 30, True),
        ((time(22), time(5)), time(5, 0), 60, False),
        ((time(12), time(13)), time(11, 0), 24 * 60, True),
        ((time(0), time(0)), time(23, 0), 120, False),
    ],
)
def test_quiet_hours_wrap_past_midnight(
    quiet: tuple[time, time], slot_time: time, minutes: int, expected: bool
) -> None:
    r = Rule(starts_on=date(2026, 2, 28), start_time=slot_time, duration=timedelta(minutes=minutes))
    assert recurrence.in_quiet_hours(slot_on(r, date(2026, 2, 28), TZ), *quiet, TZ) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FREQ=HOURLY", "không dùng được"),
        ("FREQ=DAILY;BYHOUR=6", "không được có BYHOUR"),
        ("BYDAY=MO", "phải có FREQ"),
        ("FREQ=DAILY;FREQ=WEEKLY", "hai lần"),
        ("FREQ=WEEKLY;BYDAY=XX", "không hợp lệ"),
    ],
)
def test_rules_that_cannot_be_used_say_why_in_vietnamese(text: str, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        recurrence.normalise_rrule(text)


def test_rule_is_normalised() -> None:
    assert recurrence.normalise_rrule(" rrule:freq=weekly; byday=mo,fr ") == "FREQ=WEEKLY;BYDAY=MO,FR"
