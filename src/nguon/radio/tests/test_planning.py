"""The layout core (``radio/planning.py``): examples, then hypothesis properties over random schedules."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from nguon.radio import planning
from nguon.radio.planning import Line, PlannedItem, PriorityEntry, QuietHours, SlotInput, plan_device

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = datetime(2026, 11, 26, 6, 0, tzinfo=TZ)
FALLBACK = Line(kind=planning.FALLBACK, seconds=50, title="Nhạc nền", ref="fb", source="fallback")


def media(seconds: float, name: str, kind: str = planning.AUDIO) -> Line:
    return Line(kind=kind, seconds=seconds, title=name, ref=f"sha-{name}", source=f"{kind}:{name}")


def slot(key: str, start: datetime, minutes: int, *lines: Line, volume: int | None = None) -> SlotInput:
    return SlotInput(
        key=key, title=key, start=start, end=start + timedelta(minutes=minutes), lines=lines, volume=volume
    )


# -- examples ---------------------------------------------------------------------------------------------


def test_priority_first_then_running_order_then_fallback_to_the_end() -> None:
    s = slot("oc1", BASE, 10, media(120, "a"), media(60, "b"), volume=70)
    urgent = PriorityEntry(line=media(90, "p", planning.BULLETIN))
    plan = plan_device([s], priorities=[urgent], fallback=FALLBACK)
    titles = [i.line.title for i in plan.items]
    assert titles[:3] == ["p", "a", "b"]
    assert set(titles[3:]) == {"Nhạc nền"}
    real = 90 + 120 + 60
    assert len(titles) - 3 == (600 - real) // 50
    assert [i.item_id for i in plan.items[:3]] == ["oc1-1", "oc1-2", "oc1-3"]
    assert plan.items[0].start == BASE
    assert plan.items[1].start == BASE + timedelta(seconds=90)
    assert all(i.until == s.end - timedelta(seconds=i.line.seconds) for i in plan.items)
    assert all(i.volume == 70 for i in plan.items)
    assert plan.items[0].is_priority
    assert not plan.items[1].is_priority
    assert plan.warnings == []


def test_priority_outside_its_validity_is_not_placed_and_not_played_twice() -> None:
    expired = PriorityEntry(line=media(30, "old", planning.BULLETIN), valid_until=BASE)
    later = PriorityEntry(line=media(30, "later", planning.BULLETIN), valid_from=BASE + timedelta(hours=1))
    current = PriorityEntry(line=media(30, "now", planning.BULLETIN), valid_from=BASE - timedelta(days=1))
    s = slot("oc1", BASE, 5, media(30, "now", planning.BULLETIN), media(30, "x"))
    plan = plan_device([s], priorities=[expired, later, current])
    assert [i.line.title for i in plan.items] == ["now", "x"]


def test_missing_audio_is_replaced_by_fallback_or_skipped_with_a_warning() -> None:
    missing = Line(kind=planning.BULLETIN, seconds=0, title="Tin chưa có tiếng", source="bulletin:9")
    s = slot("oc1", BASE, 2, missing, media(30, "a"))
    with_fallback = plan_device([s], fallback=FALLBACK)
    assert with_fallback.items[0].line.ref == "fb"
    assert with_fallback.items[1].line.title == "a"
    assert [w.code for w in with_fallback.warnings] == ["missing_audio"]
    without = plan_device([s])
    assert [i.line.title for i in without.items] == ["a"]
    assert [w.code for w in without.warnings] == ["missing_audio", "no_fallback"]


def test_item_longer_than_what_is_left_is_dropped_and_shorter_ones_still_fit() -> None:
    s = slot("oc1", BASE, 2, media(100, "a"), media(100, "too-long"), media(20, "c"))
    plan = plan_device([s])
    assert [i.line.title for i in plan.items] == ["a", "c"]
    assert [(w.code, w.title) for w in plan.warnings] == [("item_overflows_slot", "too-long")]


def test_silence_lets_time_pass() -> None:
    s = slot("oc1", BASE, 5, media(60, "a"), Line(kind=planning.SILENCE, seconds=30), media(60, "b"))
    plan = plan_device([s])
    assert plan.items[1].start - plan.items[0].start == timedelta(seconds=90)


def test_overlapping_airings_warn_and_the_later_loses_the_overlap() -> None:
    first = slot("oc1", BASE, 10, media(60, "a"))
    second = slot("oc2", BASE + timedelta(minutes=5), 10, media(60, "b"))
    plan = plan_device([second, first], fallback=FALLBACK)
    assert [(w.code, w.slot, w.other, w.seconds) for w in plan.warnings] == [("overlap", "oc2", "oc1", 300.0)]
    later = [i for i in plan.items if i.slot == "oc2"]
    assert later[0].start == first.end
    assert later[0].line.title == "b"
    ends = sorted((i.start, i.end) for i in plan.items)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))


def test_quiet_hours_cut_a_slot_that_reaches_into_them() -> None:
    quiet = QuietHours(start=time(22, 0), end=time(5, 0), tz=TZ)
    late = slot("oc1", datetime(2026, 11, 26, 21, 50, tzinfo=TZ), 30, media(300, "a"), media(400, "b"))
    plan = plan_device([late], quiet=quiet, fallback=FALLBACK)
    assert [i.line.title for i in plan.items if i.line.ref != "fb"] == ["a"]
    assert max(i.end for i in plan.items) <= datetime(2026, 11, 26, 22, 0, tzinfo=TZ)
    assert {w.code for w in plan.warnings} == {"quiet_hours", "item_overflows_slot"}


def test_relay_is_placed_like_a_file() -> None:
    relay = Line(kind=planning.RELAY, seconds=600, title="VOV1", ref="https://radio.example/vov1")
    plan = plan_device([slot("oc1", BASE, 15, relay)])
    assert plan.items[0].line.ref == "https://radio.example/vov1"
    assert plan.items[0].until == BASE + timedelta(minutes=5)


# -- properties -------------------------------------------------------------------------------------------

KINDS = (planning.BULLETIN, planning.AUDIO, planning.JINGLE, planning.RELAY, planning.SILENCE)


@st.composite
def lines(draw: st.DrawFn, prefix: str) -> list[Line]:
    out = []
    for n in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(KINDS))
        seconds = draw(st.floats(0.5, 1200, allow_nan=False))
        missing = (
            kind not in {planning.SILENCE, planning.RELAY} and draw(st.booleans()) and draw(st.booleans())
        )
        ref = "" if missing or kind == planning.SILENCE else f"{prefix}{n}"
        out.append(
            Line(kind=kind, seconds=seconds, title=f"{prefix}{n}", ref=ref, source=f"{kind}:{prefix}{n}")
        )
    return out


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[SlotInput], list[PriorityEntry], Line | None, QuietHours | None]:
    slots = []
    for n in range(draw(st.integers(0, 8))):
        start = BASE + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        slots.append(
            SlotInput(
                key=f"oc{n}",
                title=f"Chương trình {n}",
                start=start,
                end=start + timedelta(minutes=draw(st.integers(1, 240))),
                lines=tuple(draw(lines(f"s{n}-"))),
            )
        )
    priorities = []
    for n in range(draw(st.integers(0, 4))):
        frm = draw(st.none() | st.integers(-2 * 24 * 60, 4 * 24 * 60))
        until = draw(st.none() | st.integers(-2 * 24 * 60, 5 * 24 * 60))
        priorities.append(
            PriorityEntry(
                line=Line(
                    kind=planning.BULLETIN,
                    seconds=draw(st.floats(1, 600, allow_nan=False)),
                    title=f"p{n}",
                    ref=f"p{n}",
                    source=f"bulletin:p{n}",
                ),
                valid_from=None if frm is None else BASE + timedelta(minutes=frm),
                valid_until=None if until is None else BASE + timedelta(minutes=until),
            )
        )
    fallback = draw(
        st.none()
        | st.floats(1, 400, allow_nan=False).map(lambda s: Line(planning.FALLBACK, s, "fb", "fb", "fallback"))
    )
    quiet = None
    if draw(st.booleans()):
        quiet = QuietHours(
            start=time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30)))),
            end=time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30)))),
            tz=TZ,
        )
    return slots, priorities, fallback, quiet


@settings(max_examples=300, deadline=None)
@given(schedules())
def test_properties_of_any_plan(
    schedule: tuple[list[SlotInput], list[PriorityEntry], Line | None, QuietHours | None],
) -> None:
    slots, priorities, fallback, quiet = schedule
    plan = plan_device(slots, priorities=priorities, fallback=fallback, quiet=quiet)
    by_key = {s.key: s for s in slots}
    items = sorted(plan.items, key=lambda i: (i.start, i.end))

    # no two items overlap (zero-length files aside, each ends before the next starts)
    for a, b in itertools.pairwise(items):
        assert a.end <= b.start, (a, b)
    # ids are unique: the device plays each once
    assert len({i.item_id for i in items}) == len(items)
    for item in items:
        s = by_key[item.slot]
        # inside its slot, and it may start late only while it still ends inside the slot
        assert s.start <= item.start <= item.until
        assert item.end <= s.end
        assert item.until + timedelta(seconds=item.line.seconds) <= s.end
        # never in quiet hours
        if quiet is not None:
            assert quiet.windows(item.start, item.end) == [], item
        # nothing planned is missing its audio, and silences are time, not items
        assert item.line.ref
        assert item.line.kind != planning.SILENCE

    order = {p.line.source: n for n, p in enumerate(priorities)}
    for key, s in by_key.items():
        mine = [i for i in plan.items if i.slot == key]
        flags = [i.is_priority for i in mine]
        # priority items come first in the slot, in the commune's order, and only while valid
        assert flags == sorted(flags, reverse=True)
        placed = [order[i.line.source] for i in mine if i.is_priority]
        assert placed == sorted(placed)
        assert all(priorities[n].valid_at(s.start) for n in placed)
        # fallback copies only fill what is left: they never come before real content in a slot
        real = [n for n, i in enumerate(mine) if i.line.kind != planning.FALLBACK]
        filler = [
            n for n, i in enumerate(mine) if i.line.kind == planning.FALLBACK and i.line.source == "fallback"
        ]
        if fallback is not None and not any(line.is_missing for line in s.lines):
            assert all(f > r for f in filler for r in real)
        # never dead air: an untouched slot with fallback audio ends less than one copy short
        untouched = not [w for w in plan.warnings if w.slot == key and w.code in {"overlap", "quiet_hours"}]
        valid = [n for n, p in enumerate(priorities) if p.valid_at(s.start)]
        room = (s.end - s.start).total_seconds()
        if untouched and sum(priorities[n].line.seconds for n in valid) <= room:
            assert placed == valid  # every valid priority bulletin airs when there is room
        timed = all(line.kind != planning.SILENCE for line in s.lines)
        if fallback is not None and untouched and timed and mine:
            assert (s.end - mine[-1].end).total_seconds() < fallback.seconds + 1e-6


def play(plan: planning.Plan, e0: datetime, e1: datetime) -> list[tuple[PlannedItem, datetime, datetime]]:
    """What a device does with the plan (as the agent does with ``start_window``): one item at a time, each
    started as soon as the player is free within its window; an emergency from ``e0`` to ``e1`` interrupts
    what is playing and nothing starts during it."""
    played, free = [], min((i.start for i in plan.items), default=e0)
    for item in sorted(plan.items, key=lambda i: (i.start, i.item_id)):
        begin = max(item.start, free)
        if e0 <= begin < e1:
            begin = e1
        if begin > item.until:
            continue  # its window passed: skipped or missed, never late into the next programme
        end = begin + timedelta(seconds=item.line.seconds)
        if begin < e0 < end:
            end = e0  # interrupted by the emergency
            free = e1
        else:
            free = end
        played.append((item, begin, end))
    return played


@settings(max_examples=200, deadline=None)
@given(schedules(), st.integers(0, 3 * 24 * 60), st.integers(1, 180))
def test_after_an_emergency_the_schedule_resumes_inside_its_slots(
    schedule: tuple[list[SlotInput], list[PriorityEntry], Line | None, QuietHours | None],
    at: int,
    minutes: int,
) -> None:
    slots, priorities, fallback, quiet = schedule
    plan = plan_device(slots, priorities=priorities, fallback=fallback, quiet=quiet)
    by_key = {s.key: s for s in slots}
    e0 = BASE + timedelta(minutes=at)
    e1 = e0 + timedelta(minutes=minutes)
    played = play(plan, e0, e1)
    for item, begin, end in played:
        assert not (e0 <= begin < e1)  # emergency pre-empts everything while on air
        assert end <= by_key[item.slot].end  # a late start still ends inside the slot: no spill-over
    for (_, _, a_end), (_, b_begin, _) in itertools.pairwise(played):
        assert a_end <= b_begin  # one at a time
    # every item whose slot was untouched by the emergency plays exactly on time
    on_time = {(i.item_id, begin, end) for i, begin, end in played}
    for item in plan.items:
        s = by_key[item.slot]
        if s.end <= e0 or s.start >= e1:
            assert (item.item_id, item.start, item.end) in on_time
    # after the emergency the device picks up at the first item that still fits its slot, in order
    before = {p[0].item_id for p in played if p[1] < e1}
    after = [p for p in played if p[1] >= e1]
    waiting = [
        i
        for i in sorted(plan.items, key=lambda i: (i.start, i.item_id))
        if i.item_id not in before and i.until >= e1
    ]
    if after:
        assert after[0][0] == waiting[0]
    else:
        assert waiting == []
