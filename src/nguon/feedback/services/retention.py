"""Retention: the sender's personal data is kept only as long as needed.

Feedback finished more than ``NGUON_FEEDBACK_RETENTION_DAYS`` ago — closed or declined (``closed_at``),
or answered and never closed by the citizen (``answered_at``; it can no longer be reopened) — is
anonymised: name, phone, e-mail, the address and phone hashes are blanked, and the links to files that
were not published are removed (the stored bytes stay if another record shares them). The text, the
category, the place, the timeline and the published answer remain for statistics and the public record.
``anonymised_at`` is set and an ``anonymised`` event added. The audit record holds counts only.

Run by ``nguon feedback anonymise [--dry-run]`` or the task ``anonymise_expired_task`` (daily).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from nguon.core import access, audit
from nguon.feedback.choices import EventKind, Status
from nguon.feedback.models import Feedback, FeedbackAttachment
from nguon.feedback.services.events import add_event

PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "reporter_ip_hash", "phone_hash")


@dataclass(frozen=True)
class RetentionSummary:
    feedback: int
    files_unlinked: int
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return {"feedback": self.feedback, "files_unlinked": self.files_unlinked, "dry_run": self.dry_run}


def expired(now: datetime) -> QuerySet[Feedback]:
    """Feedback whose personal data is due for removal at ``now``."""
    cutoff = now - timedelta(days=settings.NGUON_FEEDBACK_RETENTION_DAYS)
    return Feedback.objects.filter(anonymised_at__isnull=True).filter(
        Q(status__in=[Status.CLOSED, Status.DECLINED], closed_at__lt=cutoff)
        | Q(status=Status.ANSWERED, answered_at__lt=cutoff)
    )


def anonymise_expired(now: datetime, *, dry_run: bool = False, actor: Any = None) -> RetentionSummary:
    """Anonymise every expired feedback (or, with ``dry_run``, only count them)."""
    actor = actor or access.SystemActor("feedback retention")
    rows = expired(now)
    if dry_run:
        files = FeedbackAttachment.objects.filter(feedback__in=rows, public=False).count()
        return RetentionSummary(feedback=rows.count(), files_unlinked=files, dry_run=True)
    with transaction.atomic():
        ids = list(rows.select_for_update().values_list("pk", flat=True))
        files, _ = FeedbackAttachment.objects.filter(feedback_id__in=ids, public=False).delete()
        Feedback.objects.filter(pk__in=ids).update(
            reporter_name="",
            reporter_phone="",
            reporter_email="",
            reporter_ip_hash="",
            phone_hash="",
            anonymised_at=now,
            updated_at=now,
        )
        for feedback in Feedback.objects.filter(pk__in=ids).only("pk"):
            add_event(
                feedback=feedback,
                kind=EventKind.ANONYMISED,
                actor=actor,
                message="Đã xoá thông tin cá nhân của người gửi theo thời hạn lưu trữ.",
            )
        if ids:
            audit.record(
                actor=actor,
                action="feedback.anonymise",
                after={
                    "feedback": len(ids),
                    "files_unlinked": files,
                    "retention_days": settings.NGUON_FEEDBACK_RETENTION_DAYS,
                },
            )
    return RetentionSummary(feedback=len(ids), files_unlinked=files, dry_run=False)
