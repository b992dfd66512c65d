"""Who is asking and from where, for the audit trail: set per request by middleware, read by services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "nguon_request_context", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or — only when NGUON_BEHIND_PROXY is set — the address the
    trusted reverse proxy appended last to X-Forwarded-For (earlier entries can be forged by the client)."""
    if settings.NGUON_BEHIND_PROXY:
        forwarded = [
            part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def current() -> RequestContext:
    return _current.get() or _EMPTY


def bind(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def reset(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
