"""Laying a device's airings out in time: pure, on plain data (no Django models), so it can be property-tested.

One device at a time. The input is the airings (slots) that reach the device, each with its running order,
the commune's accepted priority bulletins (in the commune's order, each with its validity), the station's
fallback audio and the quiet hours. The output is the planned items and plain warnings.

Rules (see docs/radio.md):

* Slots are taken by start time (then by key). A slot that starts before the previous one on this device
  ended loses the overlapping part (warning ``overlap`` naming both); a slot entirely inside another
  gets nothing.
* Nothing is planned in quiet hours: a slot that reaches into them keeps only its first part outside them
  (warning ``quiet_hours``).
* In each slot: first the priority bulletins valid at the slot's start, in the commune's order; then the
  running order (a bulletin already placed as priority is not played twice). A line whose audio is
  missing is replaced by the fallback audio (or skipped when there is none), warning ``missing_audio``;
  a silence lets time pass; a line that would run past the end of the slot is dropped (warning
  ``item_overflows_slot``) and the next lines are still tried. The rest of the slot is filled with whole
  copies of the fallback audio ("never dead air"); without fallback audio a gap over a minute gives the
  warning ``no_fallback``.
* Every item may start from ``start`` until ``until``, the latest start that still ends inside its slot:
  after an emergency the device still plays what fits (see ``start_window`` in the device protocol).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from math import floor
from zoneinfo import ZoneInfo

#: A gap without fallback audio longer than this is worth a warning.
DEAD_AIR_WARNING = timedelta(seconds=60)

BULLETIN, AUDIO, JINGLE, RELAY, SILENCE, FALLBACK = (
    "bulletin",
    "audio",
    "jingle",
    "relay",
    "silence",
    "fallback",
)
MEDIA_KINDS = frozenset({BULLETIN, AUDIO, JINGLE, FALLBACK})


@dataclass(frozen=True)
class Line:
    """One thing to place: a file (``ref`` names it for the caller), a relay, or a silence.
    ``ref`` empty on a media line means its audio is missing."""

    kind: str
    seconds: float
    title: str = ""
    ref: str = ""
    source: str = ""  # e.g. "bulletin:12"; the same source is never placed twice in one slot

    @property
    def is_missing(self) -> bool:
        return self.kind in MEDIA_KINDS and not self.ref


@dataclass(frozen=True)
class PriorityEntry:
    """An accepted priority bulletin, in the commune's order, airing in every slot that starts while
    it is valid (``valid_from`` ≤ slot start < ``valid_until``; None: unbounded)."""

    line: Line
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def valid_at(self, moment: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= moment) and (
            self.valid_until is None or moment < self.valid_until
        )


@dataclass(frozen=True)
class SlotInput:
    """One airing on this device."""

    key: str  # stable and unique, e.g. "oc123"; item ids are "<key>-<n>"
    title: str
    start: datetime
    end: datetime
    lines: Sequence[Line] = ()
    volume: int | None = None


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    tz: ZoneInfo

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The quiet intervals (aware) that meet ``start``..``end``, in order."""
        if self.start == self.end:
            return []
        out = []
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        while datetime.combine(day, time(), tzinfo=self.tz) < end:
            q_start = datetime.combine(day, self.start, tzinfo=self.tz)
            q_end_day = day if self.end > self.start else day + timedelta(days=1)
            q_end = datetime.combine(q_end_day, self.end, tzinfo=self.tz)
            if q_start < end and start < q_end:
                out.append((q_start, q_end))
            day += timedelta(days=1)
        return out


@dataclass(frozen=True)
class PlannedItem:
    item_id: str
    slot: str
    line: Line
    start: datetime
    until: datetime
    volume: int | None = None
    is_priority: bool = False

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.line.seconds)


@dataclass(frozen=True)
class PlanWarning:
    code: str
    slot: str = ""
    other: str = ""  # the other slot of an overlap
    title: str = ""  # the line or slot concerned
    seconds: float = 0.0
    at: datetime | None = None


@dataclass
class Plan:
    items: list[PlannedItem] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)


def _window(
    slot: SlotInput, free_from: datetime | None, quiet: QuietHours | None, plan: Plan
) -> tuple[datetime, datetime]:
    """The part of the slot this device can use: after the previous slot, before quiet hours."""
    start, end = slot.start, slot.end
    if free_from is not None and free_from > start:
        start = min(free_from, end)
    if quiet is None or start >= end:
        return start, end
    open_start, open_end = start, end
    for q_start, q_end in quiet.windows(start, end):
        if q_start <= open_start:
            open_start = min(max(open_start, q_end), end)
        else:
            open_end = min(open_end, q_start)
            break
    if (open_start, open_end) != (start, end):
        plan.warnings.append(PlanWarning("quiet_hours", slot=slot.key, title=slot.title, at=start))
    return open_start, open_end


def _lines(slot: SlotInput, priorities: Sequence[PriorityEntry]) -> list[tuple[Line, bool]]:
    valid = [(p.line, True) for p in priorities if p.valid_at(slot.start)]
    placed = {line.source for line, _ in valid if line.source}
    return valid + [(line, False) for line in slot.lines if not line.source or line.source not in placed]


def _lay_out(  # noqa: PLR0917
    slot: SlotInput,
    start: datetime,
    end: datetime,
    priorities: Sequence[PriorityEntry],
    fallback: Line | None,
    plan: Plan,
) -> None:
    cursor = start
    number = 0

    def place(line: Line, is_priority: bool) -> None:
        nonlocal cursor, number
        number += 1
        length = timedelta(seconds=line.seconds)
        plan.items.append(
            PlannedItem(
                item_id=f"{slot.key}-{number}",
                slot=slot.key,
                line=line,
                start=cursor,
                until=end - length,
                volume=slot.volume,
                is_priority=is_priority,
            )
        )
        cursor += length

    for line, is_priority in _lines(slot, priorities):
        chosen = line
        if line.is_missing:
            plan.warnings.append(PlanWarning("missing_audio", slot=slot.key, title=line.title, at=slot.start))
            if fallback is None:
                continue
            chosen = fallback
        if chosen.kind == SILENCE:
            cursor = min(end, cursor + timedelta(seconds=chosen.seconds))
            continue
        if cursor + timedelta(seconds=chosen.seconds) > end:
            plan.warnings.append(
                PlanWarning(
                    "item_overflows_slot",
                    slot=slot.key,
                    title=chosen.title or line.title,
                    seconds=chosen.seconds,
                    at=slot.start,
                )
            )
            continue
        place(chosen, is_priority)
    gap = (end - cursor).total_seconds()
    if fallback is not None and fallback.seconds > 0:
        for _ in range(floor(gap / fallback.seconds)):
            place(fallback, False)
    elif gap > DEAD_AIR_WARNING.total_seconds():
        plan.warnings.append(
            PlanWarning("no_fallback", slot=slot.key, title=slot.title, seconds=gap, at=cursor)
        )


def plan_device(
    slots: Sequence[SlotInput],
    *,
    priorities: Sequence[PriorityEntry] = (),
    fallback: Line | None = None,
    quiet: QuietHours | None = None,
) -> Plan:
    """Lay out every slot that reaches one device; see the module docstring. ``fallback`` must have a
    ``ref`` (a file) to be used."""
    if fallback is not None and (fallback.is_missing or fallback.seconds <= 0):
        fallback = None
    plan = Plan()
    busy_until: datetime | None = None
    busy_slot: SlotInput | None = None
    for slot in sorted(slots, key=lambda s: (s.start, s.key)):
        if slot.end <= slot.start:
            continue
        overlapped = busy_until is not None and busy_slot is not None and slot.start < busy_until
        if overlapped and busy_slot is not None:
            plan.warnings.append(
                PlanWarning(
                    "overlap",
                    slot=slot.key,
                    other=busy_slot.key,
                    title=slot.title,
                    seconds=(min(busy_until, slot.end) - slot.start).total_seconds() if busy_until else 0,
                    at=slot.start,
                )
            )
        start, end = _window(slot, busy_until, quiet, plan)
        if start < end:
            _lay_out(slot, start, end, priorities, fallback, plan)
        if busy_until is None or slot.end > busy_until:
            busy_until, busy_slot = slot.end, slot
    return plan
