"""The editorial workflow: submit → appraise → approve → distribute; return, withdraw, correct.

Steps depend on the :class:`WorkflowPolicy` of the bulletin's source level (a commune's own bulletins:
commune editor → commune approver; a department's: contributor → editorial board → provincial
approver). Approving needs a session verified with two-factor authentication. Each step is one
transaction with its audit event; notices to the people who act next are created in it and e-mailed
after the commit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from nguon.content.choices import EDITABLE_STATUSES, SourceLevel, Status
from nguon.content.models import Bulletin, WorkflowPolicy
from nguon.content.services import distribution
from nguon.content.services.bulletins import province_of
from nguon.content.services.notifications import notify
from nguon.content.services.search import index_bulletin
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.units.models import AdministrativeUnit

#: Defaults when an administrator has not configured a source level.
DEFAULT_POLICIES: dict[str, dict[str, bool]] = {
    SourceLevel.COMMUNE: {"requires_appraisal": False, "approve_at_province": False},
    SourceLevel.DEPARTMENT: {"requires_appraisal": True, "approve_at_province": True},
    SourceLevel.PROVINCE: {"requires_appraisal": True, "approve_at_province": True},
    SourceLevel.CENTRAL: {"requires_appraisal": True, "approve_at_province": True},
}


def policy_for(source_level: str) -> WorkflowPolicy:
    found = WorkflowPolicy.objects.filter(source_level=source_level).first()
    if found is not None:
        return found
    return WorkflowPolicy(source_level=source_level, **DEFAULT_POLICIES.get(source_level, {}))


def approval_unit(bulletin: Bulletin) -> AdministrativeUnit:
    """Where the approver of ``bulletin`` must hold their grant."""
    policy = policy_for(bulletin.source_level)
    return province_of(bulletin.unit) if policy.approve_at_province else bulletin.unit


def appraisal_unit(bulletin: Bulletin) -> AdministrativeUnit:
    """The editorial board sits at the province."""
    return province_of(bulletin.unit)


def can_appraise(user: Any, bulletin: Bulletin) -> bool:
    return bulletin.status == Status.SUBMITTED and access.can(
        user, access.CONTENT_APPRAISE, unit=appraisal_unit(bulletin)
    )


def can_approve(user: Any, bulletin: Bulletin) -> bool:
    return bulletin.status == Status.APPRAISED and access.can(
        user, access.CONTENT_APPROVE, unit=approval_unit(bulletin)
    )


def can_write(user: Any, bulletin: Bulletin) -> bool:
    return access.can(
        user, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation
    )


def _lock(bulletin: Bulletin, allowed: set[str], message: str) -> Bulletin:
    locked = (
        Bulletin.objects.select_for_update(of=("self",))
        .select_related("unit", "source_organisation")
        .get(pk=bulletin.pk)
    )
    if locked.status not in allowed:
        raise ValidationError(message)
    return locked


def _move(
    *,
    actor: Any,
    bulletin: Bulletin,
    to: str,
    action: str,
    comment: str = "",
    due_hours: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    before = {"status": bulletin.status, "revision": bulletin.revision}
    bulletin.status = to
    bulletin.due_at = timezone.now() + timedelta(hours=due_hours) if due_hours else None
    bulletin.save()
    audit.record(
        actor=actor,
        action=action,
        target=bulletin,
        unit=bulletin.unit,
        before=before,
        after={"status": to, "revision": bulletin.revision, "comment": comment, **(extra or {})},
    )


def _url(bulletin: Bulletin) -> str:
    return reverse("content:bulletin", args=[bulletin.pk])


def submit(*, actor: Any, bulletin: Bulletin, comment: str = "") -> Bulletin:
    """Send a draft (or a returned bulletin) for appraisal, or straight to approval when not needed."""
    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    policy = policy_for(bulletin.source_level)
    with transaction.atomic():
        b = _lock(bulletin, set(EDITABLE_STATUSES), "Chỉ gửi duyệt được bản nháp hoặc bản tin bị trả lại.")
        if not b.body_text.strip() and not b.attachments.exists():
            raise ValidationError("Bản tin chưa có nội dung hoặc tệp đính kèm.")
        b.submitted_at = timezone.now()
        if policy.requires_appraisal:
            _move(
                actor=actor,
                bulletin=b,
                to=Status.SUBMITTED,
                action="content.bulletin.submit",
                comment=nfc(comment),
                due_hours=policy.appraise_hours,
            )
            who = access.people_who_can(access.CONTENT_APPRAISE, unit=appraisal_unit(b))
            notify(
                users=who,
                kind="bulletin-submitted",
                message=f"Bản tin chờ thẩm định: {b.title}",
                url=_url(b),
                bulletin=b,
                exclude=actor,
            )
        else:
            _move(
                actor=actor,
                bulletin=b,
                to=Status.APPRAISED,
                action="content.bulletin.submit",
                comment=nfc(comment),
                due_hours=policy.approve_hours,
            )
            _notify_approvers(actor, b)
        index_bulletin(b)
    return b


def _notify_approvers(actor: Any, bulletin: Bulletin) -> None:
    who = access.people_who_can(access.CONTENT_APPROVE, unit=approval_unit(bulletin))
    notify(
        users=who,
        kind="bulletin-to-approve",
        message=f"Bản tin chờ phê duyệt: {bulletin.title}",
        url=_url(bulletin),
        bulletin=bulletin,
        exclude=actor,
    )


def _notify_author(actor: Any, bulletin: Bulletin, *, kind: str, message: str) -> None:
    authors = [bulletin.created_by] if bulletin.created_by is not None else []
    notify(users=authors, kind=kind, message=message, url=_url(bulletin), bulletin=bulletin, exclude=actor)


def appraise(*, actor: Any, bulletin: Bulletin, comment: str = "") -> Bulletin:
    """The editorial board has appraised the bulletin: it goes to the approver."""
    with transaction.atomic():
        b = _lock(bulletin, {Status.SUBMITTED}, "Bản tin không ở bước chờ thẩm định.")
        access.require(actor, access.CONTENT_APPRAISE, unit=appraisal_unit(b))
        _move(
            actor=actor,
            bulletin=b,
            to=Status.APPRAISED,
            action="content.bulletin.appraise",
            comment=nfc(comment),
            due_hours=policy_for(b.source_level).approve_hours,
        )
        _notify_approvers(actor, b)
        index_bulletin(b)
    return b


def return_for_changes(*, actor: Any, bulletin: Bulletin, comment: str) -> Bulletin:
    """Send the bulletin back to its author with what to change (a comment is required)."""
    comment = nfc(comment)
    if not comment:
        raise ValidationError({"comment": ["Cần ghi rõ nội dung cần sửa."]})
    with transaction.atomic():
        b = _lock(
            bulletin, {Status.SUBMITTED, Status.APPRAISED}, "Bản tin không ở bước thẩm định hay phê duyệt."
        )
        if not (can_appraise(actor, b) or can_approve(actor, b)):
            raise Http404  # neither reviewer of this step: looks the same as "not found"
        _move(
            actor=actor,
            bulletin=b,
            to=Status.RETURNED,
            action="content.bulletin.return",
            comment=comment,
            due_hours=policy_for(b.source_level).revise_hours,
        )
        _notify_author(
            actor, b, kind="bulletin-returned", message=f"Bản tin bị trả lại để sửa: {b.title} — {comment}"
        )
        index_bulletin(b)
    return b


def approve(*, actor: Any, bulletin: Bulletin, comment: str = "") -> Bulletin:
    """Approve (2FA-verified session required) and distribute to targets and channels at once."""
    if not getattr(actor, "is_2fa_verified", False):
        raise ValidationError("Phê duyệt cần phiên đăng nhập đã xác thực hai lớp (mã OTP).")
    with transaction.atomic():
        b = _lock(bulletin, {Status.APPRAISED}, "Bản tin không ở bước chờ phê duyệt.")
        access.require(actor, access.CONTENT_APPROVE, unit=approval_unit(b))
        b.approved_at = timezone.now()
        b.approved_by = actor if getattr(actor, "pk", None) else None
        _move(
            actor=actor,
            bulletin=b,
            to=Status.APPROVED,
            action="content.bulletin.approve",
            comment=nfc(comment),
        )
        distribution.distribute(actor=actor, bulletin=b)
        _notify_author(
            actor, b, kind="bulletin-approved", message=f"Bản tin đã được phê duyệt và phát hành: {b.title}"
        )
        index_bulletin(b)
    return b


def withdraw(*, actor: Any, bulletin: Bulletin, reason: str) -> Bulletin:
    """Take a bulletin back: from review by its author, or off every channel by an approver."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": ["Cần ghi lý do thu hồi."]})
    with transaction.atomic():
        b = _lock(bulletin, set(Status.values) - {Status.WITHDRAWN}, "Bản tin đã bị thu hồi.")
        if b.live_revision is not None:
            access.require(actor, access.CONTENT_APPROVE, unit=approval_unit(b))
        else:
            access.require(actor, access.CONTENT_WRITE, unit=b.unit, organisation=b.source_organisation)
        b.withdrawn_at = timezone.now()
        _move(
            actor=actor, bulletin=b, to=Status.WITHDRAWN, action="content.bulletin.withdraw", comment=reason
        )
        if b.live_revision is not None:
            distribution.withdraw_everywhere(actor=actor, bulletin=b, reason=reason)
            _recompile_boards(b)
        index_bulletin(b)
    return b


def _recompile_boards(bulletin: Bulletin) -> None:
    """The e-boards whose items show ``bulletin`` recompile once the withdrawal commits, so its slides
    leave their manifests at once (not at the next periodic compile)."""
    from nguon.boards.models import BoardItem  # lazy: the boards app imports the content app
    from nguon.boards.services.compilation import request_compile

    units = AdministrativeUnit.objects.filter(
        pk__in=BoardItem.objects.filter(bulletin=bulletin, archived_at__isnull=True).values("unit_id")
    ).order_by("path")
    done: list[str] = []
    for unit in units:  # a unit under one already queued is covered by it
        if not any(unit.path.startswith(path) for path in done):
            request_compile(unit)
            done.append(unit.path)


def start_correction(*, actor: Any, bulletin: Bulletin, note: str = "") -> Bulletin:
    """Reopen a distributed bulletin for a correction; the live revision stays on air until the
    corrected one is approved, then it replaces the old one on every channel that had it."""
    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    with transaction.atomic():
        b = _lock(bulletin, {Status.DISTRIBUTED}, "Chỉ đính chính được bản tin đã phát hành.")
        _move(
            actor=actor,
            bulletin=b,
            to=Status.DRAFT,
            action="content.bulletin.correction_start",
            comment=nfc(note),
            extra={"live_revision": b.live_revision},
        )
        index_bulletin(b)
    return b
