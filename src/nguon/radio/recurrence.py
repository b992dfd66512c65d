"""When a programme airs: RFC 5545 recurrence rules turned into local dates and aware slots (no Django models).

A programme airs on local dates (Asia/Ho_Chi_Minh); each airing starts at the programme's local start time
and lasts its slot length, so a slot that starts at 23:30 for an hour ends at 00:30 the next day. Dates come
from the RRULE (anchored on ``starts_on``), plus chosen dates (``rdates``), minus skipped dates
(``exdates``), within ``starts_on``..``ends_on``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

#: Frequencies a radio programme may use; finer ones (hourly…) would clash with the single start time.
ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: Parts that would move the start time away from the programme's own: refused.
FORBIDDEN_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RecurrenceError(ValueError):
    """A rule that cannot be used, with a Vietnamese message for the operator."""


@dataclass(frozen=True)
class Rule:
    """Everything that decides when a programme airs."""

    starts_on: date
    start_time: time
    duration: timedelta
    rrule: str = ""
    rdates: Sequence[date] = field(default_factory=tuple)
    exdates: Sequence[date] = field(default_factory=tuple)
    ends_on: date | None = None


@dataclass(frozen=True)
class Slot:
    """One airing: its local date and its aware start and end."""

    date: date
    start: datetime
    end: datetime


def normalise_rrule(text: str) -> str:
    """The rule in canonical upper case without an ``RRULE:`` prefix; raises :class:`RecurrenceError`."""
    value = re.sub(r"\s+", "", text or "").upper()
    if value.startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if not value:
        return ""
    parts: dict[str, str] = {}
    for part in value.split(";"):
        name, sep, arg = part.partition("=")
        if not sep or not name or not arg:
            raise RecurrenceError(f"Quy tắc lặp không hợp lệ: phần «{part}» phải có dạng TÊN=GIÁ_TRỊ.")
        if name in parts:
            raise RecurrenceError(f"Quy tắc lặp không hợp lệ: «{name}» xuất hiện hai lần.")
        parts[name] = arg
    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError("Quy tắc lặp phải có FREQ (DAILY, WEEKLY, MONTHLY hoặc YEARLY).")
    if freq not in ALLOWED_FREQ:
        raise RecurrenceError(
            f"Tần suất «{freq}» không dùng được cho chương trình phát thanh; chọn DAILY, WEEKLY, MONTHLY hoặc YEARLY."
        )
    for name in FORBIDDEN_PARTS:
        if name in parts:
            raise RecurrenceError(
                f"Quy tắc lặp không được có {name}: giờ phát là giờ bắt đầu của chương trình."
            )
    try:
        rrulestr("RRULE:" + value, dtstart=datetime(2026, 1, 1))  # noqa: DTZ001 (local dates only)
    except (ValueError, TypeError) as error:
        raise RecurrenceError(f"Quy tắc lặp không hợp lệ: {error}.") from None
    return value


def weekly_rule(weekdays: Iterable[str]) -> str:
    """``FREQ=WEEKLY;BYDAY=…`` for the given two-letter weekdays (as the programme form offers them)."""
    days = [d for d in WEEKDAYS if d in {w.upper() for w in weekdays}]
    if not days:
        raise RecurrenceError("Chọn ít nhất một ngày trong tuần.")
    return "FREQ=WEEKLY;BYDAY=" + ",".join(days)


def local_dates(rule: Rule, first: date, last: date) -> list[date]:
    """The local dates in ``first``..``last`` (inclusive) on which the programme airs, in order."""
    lo = max(first, rule.starts_on)
    hi = last if rule.ends_on is None else min(last, rule.ends_on)
    if hi < lo:
        return []
    days: set[date] = set()
    if rule.rrule:
        recurrence = rrulestr("RRULE:" + rule.rrule, dtstart=datetime.combine(rule.starts_on, time()))
        for moment in recurrence.between(
            datetime.combine(lo, time()), datetime.combine(hi, time()), inc=True
        ):
            days.add(moment.date())
    days.update(d for d in rule.rdates if lo <= d <= hi)
    days.difference_update(rule.exdates)
    return sorted(days)


def slot_on(rule: Rule, day: date, tz: ZoneInfo) -> Slot:
    start = datetime.combine(day, rule.start_time, tzinfo=tz)
    return Slot(date=day, start=start, end=start + rule.duration)


def slots_between(rule: Rule, start: datetime, end: datetime, tz: ZoneInfo) -> list[Slot]:
    """Airings whose slot overlaps ``start``..``end`` (aware instants), in order."""
    first = start.astimezone(tz).date() - timedelta(days=1 + rule.duration.days)
    last = end.astimezone(tz).date()
    out = []
    for day in local_dates(rule, first, last):
        slot = slot_on(rule, day, tz)
        if slot.end > start and slot.start < end:
            out.append(slot)
    return out


def crosses_midnight(rule: Rule) -> bool:
    start = datetime.combine(date(2026, 1, 1), rule.start_time)
    return (start + rule.duration).date() != start.date() and (start + rule.duration).time() != time()


def in_quiet_hours(slot: Slot, quiet_start: time, quiet_end: time, tz: ZoneInfo) -> bool:
    """True when any part of the slot falls in the daily quiet hours (``quiet_start``..``quiet_end``, which
    may wrap past midnight; equal times mean no quiet hours)."""
    if quiet_start == quiet_end:
        return False
    day = slot.start.astimezone(tz).date() - timedelta(days=1)
    while datetime.combine(day, time(), tzinfo=tz) < slot.end:
        q_start = datetime.combine(day, quiet_start, tzinfo=tz)
        q_end_day = day if quiet_end > quiet_start else day + timedelta(days=1)
        q_end = datetime.combine(q_end_day, quiet_end, tzinfo=tz)
        if q_start < slot.end and slot.start < q_end:
            return True
        day += timedelta(days=1)
    return False
