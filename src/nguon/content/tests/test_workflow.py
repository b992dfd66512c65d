"""The editorial workflow through services: steps, who may take them, distribution, corrections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.content.choices import Channel, DeliveryStatus, InboxStatus, Priority, Status, TargetScope
from nguon.content.models import Delivery, InboxEntry, Notification
from nguon.content.services import bulletins, inbox, workflow
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _department_bulletin(people: Any, department: Any, bulletin_input: Any, **overrides: Any) -> Any:
    return bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input(**overrides)
    )


def test_department_bulletin_goes_through_board_and_approver_to_commune_inboxes(
    people: Any, department: Any, bulletin_input: Any, commune: Any, other_commune: Any
) -> None:
    b = _department_bulletin(
        people,
        department,
        bulletin_input,
        target_scope=TargetScope.COMMUNES,
        targets=[commune, other_commune],
        channels=[Channel.RADIO, Channel.PORTAL],
    )
    assert b.status == Status.DRAFT
    assert b.source_level == "department"
    assert b.unit.level == "province"

    workflow.submit(actor=people.contributor, bulletin=b)
    b.refresh_from_db()
    assert b.status == Status.SUBMITTED
    assert b.due_at is not None
    assert Notification.objects.filter(user=people.board, bulletin=b, kind="bulletin-submitted").exists()

    with pytest.raises(Http404):  # a contributor cannot appraise
        workflow.appraise(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b, comment="Đạt yêu cầu")
    b.refresh_from_db()
    assert b.status == Status.APPRAISED
    assert Notification.objects.filter(user=people.approver, bulletin=b, kind="bulletin-to-approve").exists()

    people.approver.is_2fa_verified = False
    with pytest.raises(ValidationError, match="hai lớp"):
        workflow.approve(actor=people.approver, bulletin=b)
    people.approver.is_2fa_verified = True
    workflow.approve(actor=people.approver, bulletin=b)
    b.refresh_from_db()
    assert b.status == Status.DISTRIBUTED
    assert b.live_revision == 1

    entries = {e.unit.code: e for e in InboxEntry.objects.filter(bulletin=b)}
    assert set(entries) == {"05569", "05443"}
    assert all(e.status == InboxStatus.PENDING for e in entries.values())
    deliveries = set(Delivery.objects.filter(bulletin=b).values_list("channel", "unit__code"))
    assert deliveries == {("radio", "05569"), ("radio", "05443"), ("portal", "19")}
    assert Notification.objects.filter(user=people.operator, bulletin=b, kind="inbox-new").exists()

    accepted = inbox.accept(actor=people.operator, entry=entries["05569"])
    assert accepted.status == InboxStatus.ACCEPTED
    with pytest.raises(Http404):  # another commune's operator cannot decide for this one
        inbox.decline(actor=people.other_operator, entry=entries["05569"], reason="Không phù hợp")
    declined = inbox.decline(actor=people.other_operator, entry=entries["05443"], reason="Trùng lịch phát")
    assert declined.status == InboxStatus.DECLINED

    actions = list(
        AuditEvent.objects.filter(target_type="content.bulletin", target_id=str(b.pk))
        .order_by("seq")
        .values_list("action", "actor_label")
    )
    assert [a for a, _ in actions] == [
        "content.bulletin.create",
        "content.bulletin.submit",
        "content.bulletin.appraise",
        "content.bulletin.approve",
        "content.bulletin.distribute",
    ]
    assert actions[0][1] == people.contributor.username
    assert actions[3][1] == people.approver.username


def test_commune_bulletin_is_approved_by_the_commune_without_appraisal(
    people: Any, bulletin_input: Any, commune: Any
) -> None:
    b = bulletins.create_bulletin(
        actor=people.commune_editor, data=bulletin_input(target_scope=TargetScope.COMMUNES)
    )
    assert b.source_level == "commune"
    assert b.unit == commune
    workflow.submit(actor=people.commune_editor, bulletin=b)
    b.refresh_from_db()
    assert b.status == Status.APPRAISED  # straight to the commune approver
    workflow.approve(actor=people.commune_approver, bulletin=b)
    entry = InboxEntry.objects.get(bulletin=b)
    assert entry.unit == commune
    assert entry.status == InboxStatus.ACCEPTED


def test_return_for_changes_needs_a_comment_and_reaches_the_author(
    people: Any, department: Any, bulletin_input: Any
) -> None:
    b = _department_bulletin(people, department, bulletin_input)
    workflow.submit(actor=people.contributor, bulletin=b)
    with pytest.raises(ValidationError):
        workflow.return_for_changes(actor=people.board, bulletin=b, comment="  ")
    workflow.return_for_changes(actor=people.board, bulletin=b, comment="Bổ sung số quyết định")
    b.refresh_from_db()
    assert b.status == Status.RETURNED
    note = Notification.objects.get(user=people.contributor, kind="bulletin-returned")
    assert "Bổ sung số quyết định" in note.message
    updated = bulletins.update_bulletin(
        actor=people.contributor,
        bulletin=b,
        data=bulletin_input(title="Triển khai Quyết định 614/QĐ-UBND (sửa)"),
    )
    assert updated.revision == 2


def test_emergency_is_forced_and_priority_cannot_be_declined(
    people: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    for priority in (Priority.EMERGENCY, Priority.PRIORITY):
        b = _department_bulletin(
            people,
            department,
            bulletin_input,
            priority=priority,
            target_scope=TargetScope.COMMUNES,
            targets=[commune],
        )
        workflow.submit(actor=people.contributor, bulletin=b)
        workflow.appraise(actor=people.board, bulletin=b)
        workflow.approve(actor=people.approver, bulletin=b)
        entry = InboxEntry.objects.get(bulletin=b)
        if priority == Priority.EMERGENCY:
            assert entry.status == InboxStatus.FORCED
        else:
            with pytest.raises(ValidationError, match="không được từ chối"):
                inbox.decline(actor=people.operator, entry=entry, reason="Không phát")
            assert inbox.accept(actor=people.operator, entry=entry).position == 1


def test_correction_reaches_every_destination_of_the_old_revision(
    people: Any, department: Any, bulletin_input: Any, commune: Any, other_commune: Any
) -> None:
    b = _department_bulletin(
        people,
        department,
        bulletin_input,
        target_scope=TargetScope.COMMUNES,
        targets=[commune, other_commune],
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    Delivery.objects.filter(bulletin=b).update(status=DeliveryStatus.DELIVERED)

    workflow.start_correction(actor=people.contributor, bulletin=b, note="Sai ngày")
    b.refresh_from_db()
    assert b.is_correcting
    assert b.live_revision == 1
    # the correction narrows the targets; the commune that had the old text still gets the new one
    bulletins.update_bulletin(
        actor=people.contributor,
        bulletin=b,
        data=bulletin_input(
            body="<p>Ngày đúng là 29/3/2024.</p>", target_scope=TargetScope.COMMUNES, targets=[commune]
        ),
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    b.refresh_from_db()
    assert b.live_revision == 2
    assert b.status == Status.DISTRIBUTED
    old = Delivery.objects.filter(bulletin=b, revision=1)
    new = Delivery.objects.filter(bulletin=b, revision=2)
    assert set(old.values_list("status", flat=True)) == {DeliveryStatus.SUPERSEDED}
    assert set(new.values_list("unit__code", flat=True)) == {"05569", "05443"}
    assert all(d.is_correction for d in new)
    assert set(InboxEntry.objects.filter(bulletin=b).values_list("revision", "has_correction")) == {(2, True)}
    assert b.revisions.get(number=2).is_correction


def test_withdraw_reaches_inboxes_and_deliveries(
    people: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    b = _department_bulletin(
        people, department, bulletin_input, target_scope=TargetScope.COMMUNES, targets=[commune]
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    with pytest.raises(Http404):  # the author cannot pull a live bulletin off the air; an approver can
        workflow.withdraw(actor=people.contributor, bulletin=b, reason="Sai")
    workflow.withdraw(actor=people.approver, bulletin=b, reason="Văn bản bị đình chỉ")
    assert set(InboxEntry.objects.filter(bulletin=b).values_list("status", flat=True)) == {
        InboxStatus.WITHDRAWN
    }
    assert set(Delivery.objects.filter(bulletin=b).values_list("status", flat=True)) == {
        DeliveryStatus.WITHDRAWN
    }


def test_a_commune_cannot_target_outside_itself(people: Any, bulletin_input: Any, other_commune: Any) -> None:
    with pytest.raises(ValidationError) as error:
        bulletins.create_bulletin(
            actor=people.commune_editor,
            data=bulletin_input(target_scope=TargetScope.COMMUNES, targets=[other_commune]),
        )
    assert "targets" in error.value.message_dict
