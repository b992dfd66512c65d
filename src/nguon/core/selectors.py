"""Reads of the audit trail, always scoped to what the person may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from nguon.core import access
from nguon.core.models import AuditEvent


def list_audit_events(
    *,
    user: Any,
    action: str = "",
    actor: str = "",
    target: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events ``user`` may read, newest first, filtered by action prefix, actor, target and dates."""
    qs = access.scope(user, AuditEvent.objects.all(), access.AUDIT_VIEW)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if target:
        qs = qs.filter(target_label__icontains=target)
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    if until:
        qs = qs.filter(occurred_at__date__lte=until)
    return qs.order_by("-seq")
