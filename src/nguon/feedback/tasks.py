"""Background tasks of the feedback app: thin, call the service. Schedule them (cron or a scheduler that
enqueues): ``remind_and_escalate_task`` hourly, ``anonymise_expired_task`` daily, ``push_central_app_task``
every few minutes when the mobile app link is configured."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from nguon.feedback.central_app import configured_url
from nguon.feedback.services import central_app, deadlines, retention


@task()
def remind_and_escalate_task() -> dict[str, int]:
    """Reminders before the due date, escalation after it (each once per feedback)."""
    return deadlines.remind_and_escalate(timezone.now()).as_dict()


@task()
def anonymise_expired_task() -> dict[str, Any]:
    """Blank the personal data of feedback past the retention period."""
    return retention.anonymise_expired(timezone.now()).as_dict()


@task()
def push_central_app_task() -> dict[str, int]:
    """Send status changes and answers back to the national mobile app (nothing when not configured)."""
    if not configured_url():
        return {"pushed": 0, "failed": 0, "unchanged": 0}
    done = central_app.push_pending()
    return {"pushed": done.pushed, "failed": done.failed, "unchanged": done.unchanged}
