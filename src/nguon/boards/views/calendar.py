"""The board page's calendar: what plays when over the next days, one list per local day (Asia/Ho_Chi_Minh).

The windows come from ``boards.selectors.calendar`` (the compilation's own rules); this module only turns
them into plain rows and groups them by local day for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from nguon.boards.selectors.calendar import board_windows
from nguon.devices.models import Device


@dataclass(frozen=True)
class Window:
    start: datetime  # aware
    end: datetime
    title: str
    source: str  # "board-schedule" | "board-default"
    source_id: str
    playlist: str = ""
    priority: int | None = None
    slides: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Day:
    day: date
    windows: list[Window]


def windows(device: Device, *, start: datetime, end: datetime) -> list[Window]:
    """What ``device`` shows in [start, end), in order (time with no window shows the player's clock)."""
    return [
        Window(
            w.start,
            w.end,
            w.title,
            w.source,
            w.source_id,
            w.playlist,
            w.priority,
            [str(s.get("heading") or s.get("kind") or "") for s in w.slides],
        )
        for w in board_windows(device=device, start=start, end=end)
    ]


def local_today() -> date:
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


def board_calendar(device: Device, *, now: datetime, days: int = 7) -> list[Day]:
    """The next ``days`` local days from today, each with its windows (cut at local midnight)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    found = windows(device, start=first, end=first + timedelta(days=days))
    result = []
    for n in range(days):
        day_start = first + timedelta(days=n)
        day_end = day_start + timedelta(days=1)
        cut = [
            replace(w, start=max(w.start, day_start), end=min(w.end, day_end))
            for w in found
            if w.start < day_end and w.end > day_start
        ]
        result.append(Day(day_start.date(), cut))
    return result
