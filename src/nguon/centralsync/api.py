"""API of the centralsync app, under /api/v1/centralsync/: the upward push to the central system and its exchange log."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from nguon.centralsync import selectors, services
from nguon.centralsync.choices import Dataset, Outcome

router = Router(tags=["centralsync"])
MAX_LIMIT = 200


class DatasetStatusOut(Schema):
    dataset: str
    label: str
    pending: int
    items_sent: int
    last_success_at: datetime | None
    last_batch_id: str
    last_error: str
    last_error_at: datetime | None


class ExchangeOut(Schema):
    id: int
    dataset: str
    batch_id: str
    idempotency_key: str
    attempt: int
    request_bytes: int
    item_count: int
    status_code: int | None
    outcome: str
    error: str
    duration_ms: int
    started_at: datetime
    finished_at: datetime


class ExchangeFilter(Schema):
    dataset: Dataset | None = None
    outcome: Outcome | None = None
    batch_id: str = ""
    limit: int = 50
    offset: int = 0


class PushIn(Schema):
    dataset: Dataset | None = None


class PushOut(Schema):
    queued: list[str]


@router.get("/status", response=list[DatasetStatusOut])
def status(request: HttpRequest) -> list[selectors.DatasetStatus]:
    """Per dataset: items waiting, last acknowledged batch, last error."""
    return selectors.list_status(user=request.user)


@router.get("/exchanges", response=list[ExchangeOut])
def exchanges(request: HttpRequest, filters: Query[ExchangeFilter]) -> list[object]:
    """The log of HTTP exchanges with the central system, newest first."""
    rows = selectors.list_exchanges(
        user=request.user,
        dataset=filters.dataset or "",
        outcome=filters.outcome or "",
        batch_id=filters.batch_id,
    )
    offset = max(filters.offset, 0)
    limit = min(max(filters.limit, 1), MAX_LIMIT)
    return list(rows[offset : offset + limit])


@router.post("/push", response={202: PushOut})
def push(request: HttpRequest, payload: PushIn) -> Status[PushOut]:
    """Queue a push now (of one dataset, or all)."""
    queued = services.request_push(actor=request.user, dataset=payload.dataset or None)
    return Status(202, PushOut(queued=queued))
