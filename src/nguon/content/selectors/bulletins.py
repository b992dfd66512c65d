"""Reads of bulletins: scoped lists, "waiting for me", commune inboxes, revisions and their diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from nguon.content.choices import Channel, InboxStatus, Language, Priority, Status, TargetScope
from nguon.content.models import Bulletin, BulletinRevision, InboxEntry, Notification
from nguon.core import access

_BULLETIN_RELATED = ("unit", "source_organisation", "category", "created_by")


def visible_bulletins(user: Any) -> QuerySet[Bulletin]:
    """Bulletins ``user`` may read where they were written (their unit's subtree or organisation)."""
    return access.scope(user, Bulletin.objects.select_related(*_BULLETIN_RELATED), access.CONTENT_VIEW)


def get_bulletin(user: Any, pk: int) -> Bulletin:
    return access.get_scoped_or_404(
        user, Bulletin.objects.select_related(*_BULLETIN_RELATED), access.CONTENT_VIEW, pk=pk
    )


def list_bulletins(
    user: Any, *, status: str | None = None, priority: str | None = None, mine: bool = False
) -> QuerySet[Bulletin]:
    qs = visible_bulletins(user)
    if status:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if mine:
        qs = qs.filter(created_by=user)
    return qs.order_by("-updated_at")


@dataclass(frozen=True)
class WaitingItem:
    """Something that waits for ``user``: what to do, on which bulletin or inbox entry, and by when."""

    task: str
    bulletin: Bulletin
    entry: InboxEntry | None = None

    @property
    def due_at(self) -> Any:
        return self.entry.due_at if self.entry is not None else self.bulletin.due_at


def _grant_paths(user: Any, action: str) -> set[str]:
    paths: set[str] = set()
    for grant in access.grants_for(user, action):
        path = grant.unit_path or grant.organisation_unit_path
        if path:
            paths.add(path)
    return paths


def waiting_for(user: Any) -> list[WaitingItem]:
    """The person's work queue ("Việc chờ tôi"), most urgent first.

    Appraisal and approval are listed only at the level where the person holds that grant, so a
    provincial approver does not see every commune's own bulletins that the commune approves itself.
    """
    from nguon.content.services.workflow import appraisal_unit, approval_unit

    items: list[WaitingItem] = []
    appraise_paths = _grant_paths(user, access.CONTENT_APPRAISE)
    for b in access.scope(
        user, Bulletin.objects.select_related(*_BULLETIN_RELATED), access.CONTENT_APPRAISE
    ).filter(status=Status.SUBMITTED):
        if appraisal_unit(b).path in appraise_paths or isinstance(user, access.SystemActor):
            items.append(WaitingItem("appraise", b))
    approve_paths = _grant_paths(user, access.CONTENT_APPROVE)
    for b in access.scope(
        user, Bulletin.objects.select_related(*_BULLETIN_RELATED), access.CONTENT_APPROVE
    ).filter(status=Status.APPRAISED):
        if approval_unit(b).path in approve_paths:
            items.append(WaitingItem("approve", b))
    for b in visible_bulletins(user).filter(status=Status.RETURNED, created_by=user):
        items.append(WaitingItem("revise", b))
    for entry in inbox_entries(user).filter(status=InboxStatus.PENDING):
        items.append(WaitingItem("decide", entry.bulletin, entry))
    for entry in inbox_entries(user).filter(has_correction=True).exclude(status=InboxStatus.PENDING):
        items.append(WaitingItem("review_correction", entry.bulletin, entry))
    priority_rank: dict[str, int] = {Priority.EMERGENCY: 0, Priority.PRIORITY: 1, Priority.NORMAL: 2}
    items.sort(
        key=lambda i: (
            priority_rank.get(i.bulletin.priority, 3),
            i.due_at.timestamp() if i.due_at is not None else float("inf"),
        )
    )
    return items


def inbox_entries(user: Any, *, status: str | None = None) -> QuerySet[InboxEntry]:
    """The inboxes of the communes where ``user`` decides: emergency first, priority items in their order."""
    qs = access.scope(
        user,
        InboxEntry.objects.select_related(
            "bulletin", "bulletin__category", "bulletin__source_organisation", "unit"
        ),
        access.CONTENT_RECEIVE,
    )
    if status:
        qs = qs.filter(status=status)
    rank = Case(
        When(priority=Priority.EMERGENCY, then=Value(0)),
        When(priority=Priority.PRIORITY, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    pending_first = Case(
        When(status=InboxStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(_rank=rank, _pending=pending_first).order_by(
        "_pending", "_rank", "position", "-received_at"
    )


def get_inbox_entry(user: Any, pk: int) -> InboxEntry:
    return access.get_scoped_or_404(
        user,
        InboxEntry.objects.select_related("bulletin", "unit", "bulletin__category"),
        access.CONTENT_RECEIVE,
        pk=pk,
    )


def revision(bulletin: Bulletin, number: int) -> BulletinRevision:
    return bulletin.revisions.select_related("created_by").get(number=number)


# -- diffs --------------------------------------------------------------------------------------------------

FIELD_LABELS = {
    "title": "Tiêu đề",
    "summary": "Tóm tắt",
    "body_text": "Nội dung",
    "category": "Lĩnh vực",
    "language": "Ngôn ngữ",
    "priority": "Mức ưu tiên",
    "target_scope": "Phạm vi",
    "targets": "Đơn vị nhận",
    "channels": "Kênh",
    "valid_from": "Hiệu lực từ",
    "valid_until": "Hết hiệu lực",
    "attachments": "Tệp đính kèm",
}

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class FieldDiff:
    """One changed field: ``ops`` are (``equal`` | ``insert`` | ``delete``, text) pieces to show in order."""

    field: str
    label: str
    ops: list[tuple[str, str]] = dataclass_field(default_factory=list)


_CHOICE_LABELS: dict[str, dict[str, str]] = {
    "language": {k: str(v) for k, v in Language.choices},
    "priority": {k: str(v) for k, v in Priority.choices},
    "target_scope": {k: str(v) for k, v in TargetScope.choices},
    "channels": {k: str(v) for k, v in Channel.choices},
}


_DATETIME_FIELDS = frozenset({"valid_from", "valid_until"})


def _as_text(name: str, value: Any) -> str:
    labels = _CHOICE_LABELS.get(name, {})
    if value is None:
        return ""
    if name in _DATETIME_FIELDS and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, list):
        return "\n".join(v["name"] if isinstance(v, dict) else labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


def _word_ops(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("insert", "".join(b[j1:j2])))
    return ops


def diff_revisions(old: BulletinRevision, new: BulletinRevision) -> list[FieldDiff]:
    """What changed from ``old`` to ``new``, field by field, word by word (readable by an editor)."""
    changes: list[FieldDiff] = []
    for name, label in FIELD_LABELS.items():
        before, after = _as_text(name, old.data.get(name)), _as_text(name, new.data.get(name))
        if before != after:
            changes.append(FieldDiff(name, label, _word_ops(before, after)))
    return changes


def unread_notifications(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def recent_notifications(user: Any, *, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("bulletin")[:limit])
