"""Handling feedback: accept, assign, internal notes, transfer between units, decline, close.

Every function checks access at the feedback's handling unit/organisation, locks the row, changes it,
adds a timeline event and an audit record in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.feedback.choices import OPEN_STATUSES, EventKind, Status
from nguon.feedback.models import Feedback
from nguon.feedback.services import routing
from nguon.feedback.services.events import add_event
from nguon.feedback.services.intake import AUDIT_FIELDS
from nguon.units.models import AdministrativeUnit, Organisation

MAX_NOTE = 5000


def require_handler(actor: Any, feedback: Feedback, action: str = access.FEEDBACK_HANDLE) -> None:
    access.require(actor, action, unit=feedback.handling_unit, organisation=feedback.handling_organisation)


def locked(feedback: Feedback) -> Feedback:
    """``feedback`` re-read under a row lock (call inside a transaction)."""
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("handling_unit", "handling_organisation", "category", "unit")
        .get(pk=feedback.pk)
    )


def _require_open(feedback: Feedback) -> None:
    if feedback.status not in OPEN_STATUSES:
        raise ValidationError("Phản ánh đã đóng; mở lại trước khi xử lý tiếp.")


def _save(actor: Any, feedback: Feedback, before: dict[str, Any], action: str, fields: list[str]) -> None:
    feedback.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        target=feedback,
        unit=feedback.handling_unit,
        before=before,
        after=audit.snapshot(feedback, (*AUDIT_FIELDS, "assignee")),
    )


def accept(*, actor: Any, feedback: Feedback) -> Feedback:
    """The handler takes it on: status "in progress", assigned to them if nobody is."""
    require_handler(actor, feedback)
    with transaction.atomic():
        feedback = locked(feedback)
        _require_open(feedback)
        before = audit.snapshot(feedback, (*AUDIT_FIELDS, "assignee"))
        if feedback.status == Status.RECEIVED:
            feedback.status = Status.IN_PROGRESS
        if feedback.assignee_id is None and getattr(actor, "pk", None):
            feedback.assignee = actor
        add_event(
            feedback=feedback, kind=EventKind.ACCEPTED, actor=actor, message="Đã nhận xử lý.", internal=False
        )
        _save(actor, feedback, before, "feedback.accept", ["status", "assignee"])
    return feedback


def assign(*, actor: Any, feedback: Feedback, assignee: Any) -> Feedback:
    """Give it to a colleague who may handle feedback at the same place."""
    require_handler(actor, feedback)
    if not access.can(
        assignee,
        access.FEEDBACK_HANDLE,
        unit=feedback.handling_unit,
        organisation=feedback.handling_organisation,
    ):
        raise ValidationError(
            {"assignee": "Người được phân công không có quyền xử lý phản ánh ở đơn vị này."}
        )
    with transaction.atomic():
        feedback = locked(feedback)
        _require_open(feedback)
        before = audit.snapshot(feedback, (*AUDIT_FIELDS, "assignee"))
        feedback.assignee = assignee
        if feedback.status == Status.RECEIVED:
            feedback.status = Status.IN_PROGRESS
        add_event(
            feedback=feedback, kind=EventKind.ASSIGNED, actor=actor, message=f"Phân công cho {assignee}."
        )
        _save(actor, feedback, before, "feedback.assign", ["assignee", "status"])
    notify(
        users=[assignee],
        kind="feedback-assigned",
        message=f"Bạn được phân công xử lý phản ánh {feedback.public_id}.",
        url=reverse("feedback:detail", args=[feedback.public_id]),
        exclude=actor,
    )
    return feedback


def add_note(*, actor: Any, feedback: Feedback, text: str) -> Feedback:
    """An internal note, seen only by handlers."""
    require_handler(actor, feedback)
    note = nfc(text or "")
    if not note:
        raise ValidationError({"text": "Ghi chú đang trống."})
    if len(note) > MAX_NOTE:
        raise ValidationError({"text": f"Ghi chú dài quá {MAX_NOTE} ký tự."})
    with transaction.atomic():
        feedback = locked(feedback)
        add_event(feedback=feedback, kind=EventKind.NOTE, actor=actor, message=note)
        audit.record(actor=actor, action="feedback.note", target=feedback, unit=feedback.handling_unit)
    return feedback


def transfer(
    *,
    actor: Any,
    feedback: Feedback,
    unit: AdministrativeUnit,
    organisation: Organisation | None = None,
    reason: str,
) -> Feedback:
    """Hand it to another unit or organisation (wrong place, another body's remit). The deadline is kept:
    the citizen's clock does not restart because of an internal transfer."""
    require_handler(actor, feedback)
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": "Nêu lý do chuyển."})
    if organisation is not None and organisation.unit_id != unit.pk:
        raise ValidationError({"organisation": "Cơ quan không thuộc đơn vị đã chọn."})
    if not unit.is_current:
        raise ValidationError({"unit": "Đơn vị không còn hiệu lực."})
    with transaction.atomic():
        feedback = locked(feedback)
        _require_open(feedback)
        if feedback.handling_unit_id == unit.pk and feedback.handling_organisation_id == (
            organisation.pk if organisation else None
        ):
            raise ValidationError({"unit": "Phản ánh đang do chính đơn vị này xử lý."})
        before = audit.snapshot(feedback, (*AUDIT_FIELDS, "assignee"))
        feedback.handling_unit = unit
        feedback.handling_organisation = organisation
        feedback.assignee = None
        feedback.status = Status.RECEIVED
        where = organisation.name if organisation else unit.full_name
        add_event(
            feedback=feedback, kind=EventKind.TRANSFERRED, actor=actor, message=f"Chuyển {where}: {reason}"
        )
        add_event(feedback=feedback, kind=EventKind.ROUTED, message=f"Chuyển {where} xử lý.", internal=False)
        _save(
            actor,
            feedback,
            before,
            "feedback.transfer",
            ["handling_unit", "handling_organisation", "assignee", "status"],
        )
    people = access.people_who_can(access.FEEDBACK_HANDLE, unit=unit, organisation=organisation)
    notify(
        users=people,
        kind="feedback-received",
        message=f"Phản ánh {feedback.public_id} được chuyển đến đơn vị bạn: {feedback.title}"[:500],
        url=reverse("feedback:detail", args=[feedback.public_id]),
    )
    return feedback


def decline(*, actor: Any, feedback: Feedback, reason: str) -> Feedback:
    """Not taken up (not within the system's remit, abusive, a duplicate): closed with a public reason."""
    require_handler(actor, feedback, access.FEEDBACK_APPROVE)
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": "Nêu lý do không thụ lý; lý do được công khai cho người gửi."})
    with transaction.atomic():
        feedback = locked(feedback)
        _require_open(feedback)
        before = audit.snapshot(feedback, (*AUDIT_FIELDS, "assignee"))
        feedback.status = Status.DECLINED
        feedback.closed_at = timezone.now()
        add_event(feedback=feedback, kind=EventKind.DECLINED, actor=actor, message=reason, internal=False)
        _save(actor, feedback, before, "feedback.decline", ["status", "closed_at"])
    return feedback


def reroute(*, actor: Any, feedback: Feedback) -> Feedback:
    """Apply the routing rules again (after the rules changed)."""
    route = routing.resolve(category=feedback.category, unit=feedback.unit)
    return transfer(
        actor=actor,
        feedback=feedback,
        unit=route.unit,
        organisation=route.organisation,
        reason="Chuyển lại theo quy tắc chuyển xử lý.",
    )
