"""What each board shows when: schedules resolved into non-overlapping windows of slides.

Everything needed for a set of boards is read once (:func:`load`: schedules of the boards' units and the
units above them, default playlists, entries with their items and media, the bulletins' live text, the
boards' groups) and then resolved in memory per board (:func:`board_timeline`):

* each enabled schedule that targets the board gives intervals: on each local day (Asia/Ho_Chi_Minh) of its
  date range whose ISO weekday it lists, from ``start_time`` to ``end_time`` (an end at or before the start
  runs past midnight into the next day);
* at every moment the covering schedule with the highest priority wins, then the newest (creation time);
  a schedule whose playlist has nothing showable at that moment is passed over;
* time no schedule covers is filled with the default playlist of the nearest unit up the board's path (its
  commune, then the province); with none, there is no window and the player shows its clock.

The resolution is exact to the instant (it works on the boundaries of intervals and of item validity, so
"each minute" holds by construction); adjacent pieces that show the same thing become one window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from nguon.boards.models import BoardItem, BoardSchedule, Playlist, PlaylistEntry
from nguon.boards.selectors import slides as slide_rules
from nguon.boards.selectors.bulletins import LiveText, live_texts
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device
from nguon.devices.protocol.timestamps import format_ts

BOARD_SCHEDULE = "board-schedule"
BOARD_DEFAULT = "board-default"
MAX_SLIDES = 200


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def ancestor_paths(path: str) -> list[str]:
    """``"19/05569/"`` → ``["19/", "19/05569/"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@dataclass
class Inputs:
    """Everything read once for a compile run or a calendar."""

    schedules: list[BoardSchedule]
    schedule_devices: dict[int, set[int]]
    schedule_groups: dict[int, set[int]]
    defaults: dict[str, Playlist]  # unit path → the unit's default playlist
    entries: dict[int, list[PlaylistEntry]]  # playlist pk → entries in order
    texts: dict[int, LiveText]
    board_groups: dict[int, set[int]]
    notes: list[str] = field(default_factory=list)


def load(boards: Iterable[Device], *, start: datetime, end: datetime) -> Inputs:
    """Read what the ``boards`` need for [start, end) in a fixed number of queries."""
    boards = list(boards)
    paths: set[str] = set()
    for board in boards:
        paths.update(ancestor_paths(board.unit.path))
        if board.residential_unit is not None:
            paths.update(ancestor_paths(board.residential_unit.path))
    first_day = start.astimezone(tz()).date() - timedelta(days=1)
    last_day = end.astimezone(tz()).date()
    schedules = list(
        BoardSchedule.objects.filter(enabled=True, unit__path__in=paths, start_date__lte=last_day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first_day))
        .select_related("unit", "playlist")
        .order_by("pk")
    )
    ids = [s.pk for s in schedules]
    schedule_devices: dict[int, set[int]] = defaultdict(set)
    for sid, did in BoardSchedule.devices.through.objects.filter(boardschedule_id__in=ids).values_list(
        "boardschedule_id", "device_id"
    ):
        schedule_devices[sid].add(did)
    schedule_groups: dict[int, set[int]] = defaultdict(set)
    for sid, gid in BoardSchedule.groups.through.objects.filter(boardschedule_id__in=ids).values_list(
        "boardschedule_id", "devicegroup_id"
    ):
        schedule_groups[sid].add(gid)
    defaults = {
        p.unit.path: p
        for p in Playlist.objects.filter(is_default=True, unit__path__in=paths).select_related("unit")
    }
    playlist_ids = {s.playlist_id for s in schedules} | {p.pk for p in defaults.values()}
    entries: dict[int, list[PlaylistEntry]] = defaultdict(list)
    for entry in (
        PlaylistEntry.objects.filter(playlist_id__in=playlist_ids)
        .select_related("item", "item__media")
        .order_by("playlist_id", "position", "pk")
    ):
        entries[entry.playlist_id].append(entry)
    bulletin_ids = {e.item.bulletin_id for rows in entries.values() for e in rows if e.item.bulletin_id}
    board_groups: dict[int, set[int]] = defaultdict(set)
    for did, gid in Device.groups.through.objects.filter(device__in=boards).values_list(
        "device_id", "devicegroup_id"
    ):
        board_groups[did].add(gid)
    return Inputs(
        schedules=schedules,
        schedule_devices=schedule_devices,
        schedule_groups=schedule_groups,
        defaults=defaults,
        entries=entries,
        texts=live_texts(bulletin_ids),
        board_groups=board_groups,
    )


def targets(schedule: BoardSchedule, board: Device, inputs: Inputs) -> bool:
    """True when ``schedule`` is meant for ``board`` (every board of its unit, or listed, or in a group)."""
    if board.kind != DeviceKind.EBOARD:
        return False
    paths = [board.unit.path] + ([board.residential_unit.path] if board.residential_unit else [])
    if not any(p.startswith(schedule.unit.path) for p in paths):
        return False
    if schedule.all_boards:
        return True
    if board.pk in inputs.schedule_devices.get(schedule.pk, ()):
        return True
    return bool(inputs.board_groups.get(board.pk, set()) & inputs.schedule_groups.get(schedule.pk, set()))


def intervals(schedule: BoardSchedule, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The schedule's dayparts that meet [start, end), clipped to it."""
    zone = tz()
    out = []
    day: date = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    weekdays = {int(d) for d in schedule.weekdays or []}
    while day <= last:
        in_range = schedule.start_date <= day and (schedule.end_date is None or day <= schedule.end_date)
        if in_range and day.isoweekday() in weekdays:
            opens = datetime.combine(day, schedule.start_time, zone)
            closes_on = day if schedule.end_time > schedule.start_time else day + timedelta(days=1)
            closes = datetime.combine(closes_on, schedule.end_time, zone)
            a, b = max(opens, start), min(closes, end)
            if a < b:
                out.append((a, b))
        day += timedelta(days=1)
    return out


def default_playlist(board: Device, inputs: Inputs) -> Playlist | None:
    """The default playlist of the nearest unit up the board's path (commune, then province)."""
    for path in reversed(ancestor_paths(board.unit.path)):
        if path in inputs.defaults:
            return inputs.defaults[path]
    return None


@dataclass
class Window:
    """One window of a board's timeline: [start, end) shows ``slides`` in a loop."""

    start: datetime
    end: datetime
    title: str
    source: str  # BOARD_SCHEDULE or BOARD_DEFAULT
    source_id: str
    playlist: str
    schedule: str
    priority: int | None
    slides: list[dict[str, Any]]

    @property
    def duration_ms(self) -> int:
        return round((self.end - self.start).total_seconds() * 1000)

    @property
    def window_id(self) -> str:
        kind = "s" if self.source == BOARD_SCHEDULE else "d"
        return f"w-{kind}{self.source_id}-{self.start.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"

    def protocol(self) -> dict[str, Any]:
        """The manifest item (contract in docs/boards.md), slide ids unique within the manifest."""
        wid = self.window_id
        return {
            "id": wid,
            "title": self.title[:300],
            "start": format_ts(self.start),
            "start_until": format_ts(self.end),
            "duration_ms": self.duration_ms,
            "source": {"type": self.source, "id": self.source_id},
            "slides": [{"id": f"{wid}.{k}", **slide} for k, slide in enumerate(self.slides)],
        }


class _Slides:
    """Slides of a playlist at a moment, cached by the set of showable entries."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.cache: dict[tuple[int, tuple[int, ...]], list[dict[str, Any]]] = {}

    def active(self, playlist_id: int, at: datetime) -> tuple[int, ...]:
        texts = self.inputs.texts
        rows = self.inputs.entries.get(playlist_id, [])
        return tuple(e.pk for e in rows if slide_rules.is_active(e.item, at, texts))

    def slides(self, playlist_id: int, active: tuple[int, ...]) -> list[dict[str, Any]]:
        key = (playlist_id, active)
        if key not in self.cache:
            wanted = set(active)
            out: list[dict[str, Any]] = []
            for entry in self.inputs.entries.get(playlist_id, []):
                if entry.pk in wanted:
                    out += slide_rules.item_slides(
                        entry.item, duration_seconds=entry.duration_seconds, texts=self.inputs.texts
                    )
            if len(out) > MAX_SLIDES:
                self.inputs.notes.append(f"Danh sách {playlist_id}: quá {MAX_SLIDES} trang, phần sau bị bỏ.")
            self.cache[key] = out[:MAX_SLIDES]
        return self.cache[key]


def _items_of(playlist_ids: Iterable[int], inputs: Inputs) -> list[BoardItem]:
    return [e.item for pid in playlist_ids for e in inputs.entries.get(pid, [])]


def board_timeline(
    board: Device, inputs: Inputs, *, start: datetime, end: datetime, cache: _Slides | None = None
) -> list[Window]:
    """The board's windows in [start, end), in time order (see the module docstring)."""
    slides = cache or _Slides(inputs)
    mine = [s for s in inputs.schedules if targets(s, board, inputs)]
    spans = [(a, b, s) for s in mine for a, b in intervals(s, start, end)]
    fallback = default_playlist(board, inputs)
    playlists = {s.playlist_id for s in mine} | ({fallback.pk} if fallback else set())
    cuts = {start, end} | {a for a, _, _ in spans} | {b for _, b, _ in spans}
    for item in _items_of(playlists, inputs):
        cuts.update(m for m in slide_rules.boundaries(item, inputs.texts) if start < m < end)
    points = sorted(cuts)
    ranked = sorted(spans, key=lambda x: (x[2].priority, x[2].created_at, x[2].pk), reverse=True)
    windows: list[Window] = []
    for a, b in pairwise(points):
        chosen: Window | None = None
        for s_start, s_end, schedule in ranked:
            if s_start <= a < s_end:
                active = slides.active(schedule.playlist_id, a)
                if active:
                    chosen = Window(
                        a,
                        b,
                        schedule.name,
                        BOARD_SCHEDULE,
                        str(schedule.pk),
                        schedule.playlist.name,
                        schedule.name,
                        schedule.priority,
                        slides.slides(schedule.playlist_id, active),
                    )
                    break
        if chosen is None and fallback is not None and (active := slides.active(fallback.pk, a)):
            chosen = Window(
                a,
                b,
                fallback.name,
                BOARD_DEFAULT,
                str(fallback.pk),
                fallback.name,
                "",
                None,
                slides.slides(fallback.pk, active),
            )
        if chosen is None:
            continue
        last = windows[-1] if windows else None
        if (
            last is not None
            and last.end == chosen.start
            and (last.source, last.source_id) == (chosen.source, chosen.source_id)
            and last.slides is chosen.slides
        ):
            last.end = chosen.end
        else:
            windows.append(chosen)
    return windows


def board_windows(*, device: Device, start: datetime, end: datetime) -> list[Window]:
    """What ``device`` shows in [start, end) (the calendar; the caller has checked access to the device)."""
    inputs = load([device], start=start, end=end)
    return board_timeline(device, inputs, start=start, end=end)


def new_cache(inputs: Inputs) -> _Slides:
    return _Slides(inputs)
