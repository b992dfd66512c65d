"""The bulletin page: content, metadata, workflow buttons, timeline, attachments, deliveries, inbox
decisions. Shared by the screens that show it again with an error (a refused step or upload)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from nguon.content import html
from nguon.content.choices import EDITABLE_STATUSES, Channel, Status
from nguon.content.forms.bulletins import AttachmentForm
from nguon.content.models import Bulletin
from nguon.content.services import renditions, workflow
from nguon.core import access
from nguon.core.models import AuditEvent

ACTION_LABELS: dict[str, Any] = {
    "content.bulletin.create": gettext_lazy("Tạo bản tin"),
    "content.bulletin.update": gettext_lazy("Sửa bản tin"),
    "content.bulletin.submit": gettext_lazy("Gửi duyệt"),
    "content.bulletin.appraise": gettext_lazy("Thẩm định đạt"),
    "content.bulletin.return": gettext_lazy("Trả lại để sửa"),
    "content.bulletin.approve": gettext_lazy("Phê duyệt"),
    "content.bulletin.distribute": gettext_lazy("Phát hành tới các kênh và xã"),
    "content.bulletin.correct": gettext_lazy("Phát hành bản đính chính"),
    "content.bulletin.correction_start": gettext_lazy("Mở đính chính"),
    "content.bulletin.withdraw": gettext_lazy("Thu hồi"),
    "content.bulletin.withdraw_everywhere": gettext_lazy("Thu hồi trên mọi kênh"),
    "content.bulletin.audio": gettext_lazy("Tạo bản âm thanh"),
    "content.attachment.add": gettext_lazy("Thêm tệp đính kèm"),
    "content.attachment.remove": gettext_lazy("Bỏ tệp đính kèm"),
    "content.inbox.accept": gettext_lazy("Xã nhận vào lịch phát"),
    "content.inbox.decline": gettext_lazy("Xã không phát"),
}


@dataclass(frozen=True)
class TimelineItem:
    occurred_at: datetime
    actor: str
    action: str
    label: str
    comment: str
    unit: str


def timeline(bulletin: Bulletin, entry_ids: list[int]) -> list[TimelineItem]:
    """The bulletin's history from the audit trail, with the communes' inbox decisions on it."""
    events = AuditEvent.objects.filter(
        Q(target_type="content.bulletin", target_id=str(bulletin.pk))
        | Q(target_type="content.inboxentry", target_id__in=[str(i) for i in entry_ids])
    ).order_by("seq")
    items = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        comment = after.get("comment") or after.get("reason") or after.get("name") or ""
        is_inbox = event.target_type == "content.inboxentry"
        items.append(
            TimelineItem(
                occurred_at=event.occurred_at,
                actor=event.actor_label,
                action=event.action,
                label=str(ACTION_LABELS.get(event.action, event.action)),
                comment=str(comment),
                unit=event.unit_label if is_inbox else "",
            )
        )
    return items


def _steps(user: Any, bulletin: Bulletin) -> dict[str, bool]:
    """Which workflow buttons to show: only the steps ``user`` can take now."""
    can_write = workflow.can_write(user, bulletin)
    editable = can_write and bulletin.status in EDITABLE_STATUSES
    can_appraise = workflow.can_appraise(user, bulletin)
    can_approve = workflow.can_approve(user, bulletin)
    if bulletin.status == Status.WITHDRAWN:
        can_withdraw = False
    elif bulletin.live_revision is not None:
        can_withdraw = access.can(user, access.CONTENT_APPROVE, unit=workflow.approval_unit(bulletin))
    else:
        can_withdraw = can_write
    return {
        "edit": editable,
        "submit": editable,
        "appraise": can_appraise,
        "approve": can_approve,
        "return": can_appraise or can_approve,
        "withdraw": can_withdraw,
        "correct": can_write and bulletin.status == Status.DISTRIBUTED,
        "audio": editable,
    }


def detail_response(
    request: HttpRequest,
    bulletin: Bulletin,
    *,
    status: int = 200,
    step_error: list[str] | None = None,
    upload_error: str = "",
    comment: str = "",
) -> HttpResponse:
    """The bulletin page; also shown again (with the error) when a step or an upload is refused."""
    entries = list(bulletin.inbox_entries.select_related("unit", "decided_by").order_by("unit__name"))
    render_obj = bulletin.audio_render
    return render(
        request,
        "content/bulletins/detail.html",
        {
            "bulletin": bulletin,
            "body": html.sanitise(bulletin.body),
            "targets": bulletin.targets.order_by("path"),
            "channel_labels": [Channel(c).label for c in bulletin.channels if c in Channel.values],
            "attachments": bulletin.attachments.select_related("blob", "added_by"),
            "deliveries": bulletin.deliveries.select_related("unit").order_by("channel", "unit__name"),
            "entries": entries,
            "timeline": timeline(bulletin, [e.pk for e in entries]),
            "steps": _steps(request.user, bulletin),
            "step_error": step_error or [],
            "upload_error": upload_error,
            "upload_form": AttachmentForm(),
            "comment": comment,
            "render": render_obj,
            "render_is_current": renditions.is_current(bulletin),
            "revision_count": bulletin.revisions.count(),
            "is_2fa_verified": getattr(request.user, "is_2fa_verified", False),
        },
        status=status,
    )
