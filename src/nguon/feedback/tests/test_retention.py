"""Retention: the sender's personal data is blanked once the retention period after closing has passed;
unpublished files are unlinked, published photos and the public record stay; the audit has counts only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from nguon.core.models import AuditEvent
from nguon.feedback.choices import EventKind, Status
from nguon.feedback.models import Feedback
from nguon.feedback.services import answers, handling
from nguon.feedback.services.attachments import set_public
from nguon.feedback.services.retention import anonymise_expired
from nguon.feedback.tests.fixtures import submit
from nguon.feedback.tests.test_staff_views import png

pytestmark = pytest.mark.django_db


def _closed(handler: Any, approver: Any, *, days_ago: int) -> Feedback:
    feedback = submit(
        uploads=[
            SimpleUploadedFile("a.png", png(), content_type="image/png"),
            SimpleUploadedFile("b.png", png(), content_type="image/png"),
        ]
    )
    answer = answers.draft_answer(actor=handler, feedback=feedback, body="Xã đã thu gom rác, cảm ơn bà con.")
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    answers.rate(feedback=feedback, rating=5)
    Feedback.objects.filter(pk=feedback.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    feedback.refresh_from_db()
    return feedback


def test_expired_feedback_is_anonymised_once(handler: Any, approver: Any, settings: Any) -> None:
    settings.NGUON_FEEDBACK_RETENTION_DAYS = 365
    old = _closed(handler, approver, days_ago=400)
    set_public(actor=handler, attachment=old.attachments.first(), public=True)  # type: ignore[arg-type]
    recent = _closed(handler, approver, days_ago=30)
    open_one = submit(description="Đường vào thôn Bản Piềng sạt lở một đoạn dài, xe máy khó đi.")
    Feedback.objects.filter(pk=open_one.pk).update(received_at=timezone.now() - timedelta(days=900))

    preview = anonymise_expired(timezone.now(), dry_run=True)
    assert (preview.feedback, preview.files_unlinked, preview.dry_run) == (1, 1, True)
    old.refresh_from_db()
    assert old.reporter_name == "Nguyễn Thị Hoà"
    assert old.anonymised_at is None

    done = anonymise_expired(timezone.now())
    assert (done.feedback, done.files_unlinked) == (1, 1)  # the unpublished photo's link
    old.refresh_from_db()
    assert (old.reporter_name, old.reporter_phone, old.reporter_email) == ("", "", "")
    assert (old.reporter_ip_hash, old.phone_hash) == ("", "")
    assert old.anonymised_at is not None
    assert old.status == Status.CLOSED
    assert list(old.attachments.values_list("public", flat=True)) == [True]
    assert old.events.filter(kind=EventKind.ANONYMISED).count() == 1
    recent.refresh_from_db()
    assert recent.reporter_name == "Nguyễn Thị Hoà"
    open_one.refresh_from_db()
    assert open_one.reporter_email == "hoa@example.vn"
    record = AuditEvent.objects.get(action="feedback.anonymise")
    assert record.after == {"feedback": 1, "files_unlinked": 1, "retention_days": 365}
    assert "Hoà" not in str(record.after)
    assert anonymise_expired(timezone.now()).feedback == 0


def test_unpublished_files_are_unlinked_and_declined_feedback_counts(
    handler: Any, approver: Any, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.NGUON_FEEDBACK_RETENTION_DAYS = 30
    feedback = submit(uploads=[SimpleUploadedFile("a.png", png(), content_type="image/png")])
    handling.decline(actor=approver, feedback=feedback, reason="Không thuộc thẩm quyền của xã.")
    Feedback.objects.filter(pk=feedback.pk).update(closed_at=timezone.now() - timedelta(days=31))
    call_command("feedback", "anonymise", "--dry-run")
    assert "Would anonymise: 1 feedback; files unlinked: 1" in capsys.readouterr().out
    call_command("feedback", "anonymise")
    assert "Anonymised: 1 feedback; files unlinked: 1" in capsys.readouterr().out
    feedback.refresh_from_db()
    assert not feedback.attachments.exists()
    assert feedback.reporter_phone == ""
