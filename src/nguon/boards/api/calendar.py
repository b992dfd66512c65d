"""API: what a board shows when — ``GET /api/v1/boards/{device_id}/calendar?from=&to=`` (local dates,
Asia/Ho_Chi_Minh, both included; default the next 7 days; at most 31 days). A board the caller does not
manage is a 404, like a missing one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from nguon.boards.views.boards import get_board
from nguon.boards.views.calendar import local_today, windows
from nguon.core.schemas import ErrorOut

router = Router()

MAX_DAYS = 31
_RANGE_ERROR = f"Khoảng ngày phải từ 1 đến {MAX_DAYS} ngày, ngày đầu không sau ngày cuối."


class CalendarQuery(Schema):
    date_from: date | None = Field(None, alias="from", description="First local date (default: today).")
    date_to: date | None = Field(
        None, alias="to", description="Last local date, included (default: +6 days)."
    )


class WindowOut(Schema):
    start: datetime
    end: datetime
    title: str
    source: str = Field(description="board-schedule or board-default; time with no window shows a clock.")
    source_id: str
    playlist: str
    priority: int | None
    slides: list[str] = Field(description="The heading (or kind) of each slide, in loop order.")


class CalendarOut(Schema):
    device_id: str
    resolution: str
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    windows: list[WindowOut]


@router.get(
    "/{device_id}/calendar",
    response={200: CalendarOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="A board's calendar: the windows it shows between two local dates",
)
def board_calendar(request: HttpRequest, device_id: str, filters: Query[CalendarQuery]) -> Any:
    board = get_board(request.user, device_id)
    first = filters.date_from or local_today()
    last = filters.date_to or first + timedelta(days=6)
    if last < first or (last - first).days >= MAX_DAYS:
        return Status(422, {"error": {"code": "invalid", "message": _RANGE_ERROR}})
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    found = windows(board, start=start, end=end)
    return {
        "device_id": board.device_id,
        "resolution": board.resolution,
        "from": first,
        "to": last,
        "windows": [
            {
                "start": w.start,
                "end": w.end,
                "title": w.title,
                "source": w.source,
                "source_id": w.source_id,
                "playlist": w.playlist,
                "priority": w.priority,
                "slides": w.slides,
            }
            for w in found
        ],
    }
