"""Reads about central intake: where pulling stands and what was received (status API and CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count

from nguon.content.choices import SourceLevel, Status
from nguon.content.models import Bulletin, CentralCursor, CentralIntake
from nguon.content.services.central import CONFLICT_ACTION, CURSOR_NAME, PULL, PUSH, REJECT_ACTION
from nguon.core.models import AuditEvent


@dataclass(frozen=True)
class CentralStatus:
    pull_configured: bool
    push_configured: bool
    cursor: str
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    received: int
    pulled: int
    pushed: int
    awaiting_appraisal: int
    conflicts: int
    rejected: int


def get_status() -> CentralStatus:
    """Where intake stands (a read, for the status API and ``nguon central status``)."""
    state = CentralCursor.objects.filter(name=CURSOR_NAME).first() or CentralCursor(name=CURSOR_NAME)
    by_channel = {
        row["channel"]: row["n"] for row in CentralIntake.objects.values("channel").annotate(n=Count("id"))
    }
    return CentralStatus(
        pull_configured=bool(settings.NGUON_CENTRAL_URL and settings.NGUON_CENTRAL_TOKEN),
        push_configured=bool(settings.NGUON_CENTRAL_PUSH_TOKEN),
        cursor=state.cursor,
        last_success_at=state.last_success_at,
        last_error=state.last_error,
        last_error_at=state.last_error_at,
        received=sum(by_channel.values()),
        pulled=by_channel.get(PULL, 0),
        pushed=by_channel.get(PUSH, 0),
        awaiting_appraisal=Bulletin.objects.filter(
            source_level=SourceLevel.CENTRAL, status=Status.SUBMITTED
        ).count(),
        conflicts=AuditEvent.objects.filter(action=CONFLICT_ACTION).count(),
        rejected=AuditEvent.objects.filter(action=REJECT_ACTION).count(),
    )
