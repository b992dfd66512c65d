"""API of the outbound app, under /api/v1/outbound/: outbound destinations, their queues and delivery log.

- ``GET /destinations`` — destinations the caller may see (credentials never: only ``has_credentials``).
- ``GET /messages?destination=&status=&bulletin=&limit=&offset=`` — the delivery log, newest first.
- ``GET /messages/{id}/attempts`` — every attempt to send one message.
- ``POST /messages/{id}/resend`` — a new cycle of attempts for a dead or failing message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nguon.core.schemas import ErrorOut
from nguon.outbound import selectors
from nguon.outbound.models import DeliveryAttempt, Destination, OutboundMessage
from nguon.outbound.services import queue

router = Router(tags=["outbound"])


class DestinationOut(Schema):
    id: int
    name: str
    kind: str
    channel: str
    unit_code: str
    languages: list[str]
    categories: list[str]
    is_enabled: bool
    has_credentials: bool = Field(
        description="Whether credentials are stored; their values are never returned."
    )
    rate_limit_per_minute: int
    max_attempts: int
    needs_reauthorization: bool = Field(
        description="The service refused the credentials (or their refresh): a person must grant access again."
    )
    auth_problem: str = Field(description="Why, in Vietnamese (never a credential); empty when fine.")
    token_expires_at: datetime | None = Field(
        description="When the stored access token expires, for plug-ins that renew it (null: unknown)."
    )


class MessageOut(Schema):
    id: int
    destination_id: int
    bulletin_id: int
    revision: int
    action: str
    status: str
    attempts: int
    cycle: int
    next_attempt_at: datetime | None
    idempotency_key: str
    external_id: str
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class AttemptOut(Schema):
    id: int
    cycle: int
    number: int
    started_at: datetime
    duration_ms: int | None
    http_status: int | None
    outcome: str
    error: str
    retry_at: datetime | None


class MessageFilter(Schema):
    destination: int | None = None
    status: str | None = None
    bulletin: int | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def _destination(d: Destination) -> DestinationOut:
    return DestinationOut(
        id=d.pk,
        name=d.name,
        kind=d.kind,
        channel=d.channel,
        unit_code=d.unit.code,
        languages=list(d.languages),
        categories=sorted(c.code for c in d.categories.all()),
        is_enabled=d.is_enabled,
        has_credentials=d.has_credentials,
        needs_reauthorization=d.needs_reauthorization,
        auth_problem=d.auth_problem,
        token_expires_at=d.token_expires_at,
        rate_limit_per_minute=d.rate_limit_per_minute,
        max_attempts=d.max_attempts,
    )


def _message(m: OutboundMessage) -> MessageOut:
    return MessageOut(
        id=m.pk,
        destination_id=m.destination_id,
        bulletin_id=m.bulletin_id,
        revision=m.revision,
        action=m.action,
        status=m.status,
        attempts=m.attempts,
        cycle=m.cycle,
        next_attempt_at=m.next_attempt_at,
        idempotency_key=m.idempotency_key,
        external_id=m.external_id,
        last_error=m.last_error,
        created_at=m.created_at,
        sent_at=m.sent_at,
    )


def _attempt(a: DeliveryAttempt) -> AttemptOut:
    return AttemptOut(
        id=a.pk,
        cycle=a.cycle,
        number=a.number,
        started_at=a.started_at,
        duration_ms=a.duration_ms,
        http_status=a.http_status,
        outcome=a.outcome,
        error=a.error,
        retry_at=a.retry_at,
    )


@router.get("/destinations", response=list[DestinationOut], summary="Outbound destinations")
def list_destinations(request: HttpRequest) -> Any:
    return [
        _destination(d) for d in selectors.list_destinations(user=request.user).prefetch_related("categories")
    ]


@router.get("/messages", response=list[MessageOut], summary="The delivery log, newest first")
def list_messages(request: HttpRequest, filters: Query[MessageFilter]) -> Any:
    qs = selectors.list_messages(
        user=request.user,
        destination_id=filters.destination,
        status=filters.status,
        bulletin_id=filters.bulletin,
    )
    return [_message(m) for m in qs[filters.offset : filters.offset + filters.limit]]


@router.get(
    "/messages/{message_id}/attempts",
    response={200: list[AttemptOut], 404: ErrorOut},
    summary="Every attempt to send one message",
)
def list_attempts(request: HttpRequest, message_id: int) -> Any:
    message = selectors.get_message(user=request.user, pk=message_id)
    return [_attempt(a) for a in selectors.list_attempts(message=message)]


@router.post(
    "/messages/{message_id}/resend",
    response={200: MessageOut, 404: ErrorOut, 422: ErrorOut},
    summary="Resend a dead or failing message (a new cycle of attempts, same idempotency key)",
)
def resend(request: HttpRequest, message_id: int) -> Any:
    message = selectors.get_message(user=request.user, pk=message_id)
    return _message(queue.resend(actor=request.user, message=message))
