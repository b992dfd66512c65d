"""Overdue steps are reminded to the people who must act, once a day."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from nguon.content.choices import TargetScope
from nguon.content.models import Bulletin, InboxEntry, Notification
from nguon.content.services import bulletins, workflow
from nguon.content.services.reminders import remind_overdue

pytestmark = pytest.mark.django_db


def test_overdue_appraisal_and_inbox_decision_are_reminded_once(
    people: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    waiting = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input()
    )
    workflow.submit(actor=people.contributor, bulletin=waiting)
    sent = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(title="Tin thứ hai", target_scope=TargetScope.COMMUNES, targets=[commune]),
    )
    workflow.submit(actor=people.contributor, bulletin=sent)
    workflow.appraise(actor=people.board, bulletin=sent)
    workflow.approve(actor=people.approver, bulletin=sent)
    past = timezone.now() - timedelta(hours=1)
    Bulletin.objects.filter(pk=waiting.pk).update(due_at=past)
    InboxEntry.objects.filter(bulletin=sent).update(due_at=past)

    first = remind_overdue()
    assert (first.bulletins, first.inbox_entries) == (1, 1)
    assert Notification.objects.filter(user=people.board, kind="overdue", bulletin=waiting).count() == 1
    assert Notification.objects.filter(user=people.operator, kind="inbox-overdue", bulletin=sent).count() == 1
    assert not Notification.objects.filter(user=people.other_operator, kind="inbox-overdue").exists()

    out = io.StringIO()
    call_command("content", "remind", stdout=out)  # the same day: nothing new
    assert "Overdue bulletins: 0; overdue commune decisions: 0" in out.getvalue()
