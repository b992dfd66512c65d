"""API of the audit trail (read-only)."""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from nguon.core import access
from nguon.core.selectors import list_audit_events

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: datetime
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    unit_label: str
    before: Any = None
    after: Any = None


@router.get("/events", response=list[AuditEventOut], summary="Audit events visible to me, newest first")
@paginate(LimitOffsetPagination)
def list_events(
    request: HttpRequest,
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Any:
    if not access.has_action(request.user, access.AUDIT_VIEW):
        raise Http404
    return list_audit_events(user=request.user, action=action, actor=actor, since=since, until=until)
