"""Deadlines: a reminder to the handlers two days before the due date, an escalation to the approvers of
the handling unit and of the province once it has passed — each once per feedback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.content.models import Notification
from nguon.core.models import AuditEvent
from nguon.feedback.choices import EventKind
from nguon.feedback.models import Feedback
from nguon.feedback.services import answers, handling
from nguon.feedback.services.deadlines import remind_and_escalate
from nguon.feedback.tests.fixtures import submit

pytestmark = pytest.mark.django_db


def _due_in(feedback: Feedback, delta: timedelta) -> Feedback:
    Feedback.objects.filter(pk=feedback.pk).update(due_at=timezone.now() + delta)
    feedback.refresh_from_db()
    return feedback


def test_reminder_goes_to_the_assignee_once(handler: Any, approver: Any) -> None:
    feedback = _due_in(submit(), timedelta(days=1))
    handling.accept(actor=handler, feedback=feedback)
    later = _due_in(
        submit(description="Cột điện nghiêng ở tổ 3 có nguy cơ đổ, đề nghị xử lý."), timedelta(days=5)
    )
    now = timezone.now()
    first = remind_and_escalate(now)
    assert (first.reminded, first.escalated) == (1, 0)
    assert Notification.objects.filter(kind="feedback-due-soon", user=handler).count() == 1
    assert not Notification.objects.filter(kind="feedback-due-soon", user=approver).exists()
    again = remind_and_escalate(now + timedelta(hours=1))
    assert (again.reminded, again.escalated, again.notices) == (0, 0, 0)
    feedback.refresh_from_db()
    later.refresh_from_db()
    assert feedback.reminded_at == now
    assert later.reminded_at is None
    event = feedback.events.get(kind=EventKind.REMINDED)
    assert event.internal
    assert AuditEvent.objects.filter(action="feedback.remind", target_id=str(feedback.pk)).count() == 1


def test_escalation_tells_approvers_of_the_unit_and_of_the_province(
    handler: Any, approver: Any, make_user: Any, province: Any
) -> None:
    provincial = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    feedback = _due_in(submit(), timedelta(hours=-3))
    done = remind_and_escalate(timezone.now())
    assert (done.reminded, done.escalated) == (0, 1)
    told = set(Notification.objects.filter(kind="feedback-overdue").values_list("user_id", flat=True))
    assert told == {approver.pk, provincial.pk}
    assert remind_and_escalate(timezone.now()).escalated == 0
    feedback.refresh_from_db()
    assert feedback.escalated_at is not None
    assert feedback.events.filter(kind=EventKind.ESCALATED, internal=True).count() == 1


def test_answered_feedback_is_neither_reminded_nor_escalated(handler: Any, approver: Any) -> None:
    feedback = submit()
    answer = answers.draft_answer(actor=handler, feedback=feedback, body="Đã thu gom xong bãi rác đầu thôn.")
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    _due_in(feedback, timedelta(days=-1))
    done = remind_and_escalate(timezone.now())
    assert (done.reminded, done.escalated) == (0, 0)


def test_the_command_reports_counts(handler: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _due_in(submit(), timedelta(hours=5))
    call_command("feedback", "remind")
    assert "Reminded: 1; escalated: 0" in capsys.readouterr().out
