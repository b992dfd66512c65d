"""API for handlers (session): their queue and the statistics. Personal data is not in these lists; the
detail screen shows it to the handler."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.feedback.choices import OPEN_STATUSES
from nguon.feedback.selectors import staff as selectors
from nguon.feedback.selectors.statistics import summary
from nguon.units.models import AdministrativeUnit

router = Router(tags=["feedback-staff"])


class QueueItemOut(Schema):
    public_id: str
    title: str
    category: str
    commune: str
    channel: str
    status: str
    received_at: datetime
    due_at: datetime
    overdue: bool
    assignee: str | None
    possible_duplicate_of: str | None


class QueueQuery(Schema):
    status: str = "open"
    category: str = ""
    channel: str = ""
    commune: str = ""
    overdue: bool = False
    limit: int = 100


@router.get("/handle", response={200: list[QueueItemOut], 404: ErrorOut}, summary="The handler's queue")
def queue(request: HttpRequest, query: Query[QueueQuery]) -> Any:
    if not access.has_action(request.user, access.FEEDBACK_HANDLE):
        raise Http404
    now = timezone.now()
    filters = selectors.QueueFilters(
        status=query.status,
        category=query.category,
        channel=query.channel,
        commune=query.commune,
        overdue=query.overdue,
    )
    rows = selectors.queue(request.user, filters, now=now)[: max(1, min(query.limit, 500))]
    return [
        {
            "public_id": f.public_id,
            "title": f.title,
            "category": f.category.code,
            "commune": f.unit.code,
            "channel": f.channel,
            "status": f.status,
            "received_at": f.received_at,
            "due_at": f.due_at,
            "overdue": f.status in OPEN_STATUSES and f.due_at < now,
            "assignee": f.assignee.username if f.assignee else None,
            "possible_duplicate_of": f.possible_duplicate_of.public_id if f.possible_duplicate_of else None,
        }
        for f in rows
    ]


@router.get(
    "/statistics",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Received / handled / on time / overdue / aired, by unit, category and channel",
)
def statistics(request: HttpRequest, unit: str, start: date, end: date) -> Any:
    """``start``..``end`` are local days (both included); ``unit`` a province or commune code."""
    units = access.scope(request.user, selectors.province_units(), access.REPORTS_VIEW)
    place = units.filter(code=unit).first()
    if place is None or not isinstance(place, AdministrativeUnit):
        raise Http404
    zone = ZoneInfo(settings.TIME_ZONE)
    first = datetime.combine(min(start, end), time(), tzinfo=zone)
    last = datetime.combine(max(start, end) + timedelta(days=1), time(), tzinfo=zone)
    return summary(unit=place, start=first, end=last, now=timezone.now()).as_dict()
