"""The calendar of a board: what plays when over a date range (the management screens and the API).

It is computed from the schedules themselves (not from the compiled manifest), so it reaches beyond the
compiled horizon and shows a change before the next compilation; the rules are the compilation's
(:mod:`nguon.boards.selectors.timeline`), so both always agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from nguon.boards.selectors.timeline import Window, board_timeline, load, tz
from nguon.devices.models import Device

MAX_DAYS = 62


def board_windows(*, device: Device, start: datetime, end: datetime) -> list[Window]:
    """The windows of ``device`` in [start, end), in time order, each with its title, source
    (``board-schedule`` or ``board-default``), playlist and schedule names, priority and slides. Time with
    no window shows the player's clock. The caller checks that the person may see ``device``."""
    if end <= start:
        return []
    end = min(end, start + timedelta(days=MAX_DAYS))
    inputs = load([device], start=start, end=end)
    return board_timeline(device, inputs, start=start, end=end)


def days_windows(*, device: Device, first: date, days: int = 7) -> list[Window]:
    """The windows of ``days`` local days from ``first`` (midnight to midnight, Asia/Ho_Chi_Minh)."""
    start = datetime.combine(first, datetime.min.time(), tz())
    return board_windows(device=device, start=start, end=start + timedelta(days=days))
