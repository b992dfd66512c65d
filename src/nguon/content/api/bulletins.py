"""API: bulletins, their workflow steps, attachments, revisions; the work queue; commune inboxes;
notifications; categories. Every handler goes through the services and selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.content import files
from nguon.content.choices import Channel, Language, Priority, TargetScope
from nguon.content.choices import Status as BulletinStatus
from nguon.content.models import Attachment, Bulletin, Category, InboxEntry
from nguon.content.selectors import bulletins as selectors
from nguon.content.services import attachments, bulletins, inbox, notifications, workflow
from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.units.models import AdministrativeUnit, Organisation

router = Router(tags=["bulletins"])


class CategoryOut(Schema):
    code: str
    name: str
    group: int


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    mime_type: str
    size: int
    sha256: str
    duration_seconds: float | None


class BulletinIn(Schema):
    title: str
    category: str
    summary: str = ""
    body: str = ""
    language: Language = Language.VI
    priority: Priority = Priority.NORMAL
    target_scope: TargetScope = TargetScope.PROVINCE
    targets: list[str] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=lambda: [Channel.RADIO])
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    voice: str | None = None
    unit: str | None = None
    organisation: str | None = None


class BulletinOut(Schema):
    id: int
    title: str
    summary: str
    status: str
    priority: str
    language: str
    source_level: str
    unit_code: str
    organisation_code: str | None
    category: str
    target_scope: str
    targets: list[str]
    channels: list[str]
    valid_from: datetime | None
    valid_until: datetime | None
    revision: int
    live_revision: int | None
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime


class BulletinDetailOut(BulletinOut):
    body: str
    body_text: str
    attachments: list[AttachmentOut]


class PageOut(Schema):
    count: int
    items: list[BulletinOut]


class BulletinFilters(Schema):
    status: BulletinStatus | None = None
    priority: Priority | None = None
    mine: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class StepIn(Schema):
    comment: str = ""


class RevisionOut(Schema):
    number: int
    note: str
    is_correction: bool
    created_at: datetime
    created_by: str | None
    data: dict[str, Any]


class DiffOpOut(Schema):
    op: str
    text: str


class FieldDiffOut(Schema):
    field: str
    label: str
    ops: list[DiffOpOut]


class WaitingOut(Schema):
    task: str
    bulletin_id: int
    title: str
    priority: str
    entry_id: int | None
    due_at: datetime | None


class InboxOut(Schema):
    id: int
    bulletin_id: int
    title: str
    unit_code: str
    priority: str
    status: str
    revision: int
    position: int | None
    reason: str
    has_correction: bool
    residential_codes: list[str]
    received_at: datetime
    due_at: datetime | None


class DeclineIn(Schema):
    reason: str


class OrderIn(Schema):
    unit: str
    entry_ids: list[int]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    count: int


# -- conversions -------------------------------------------------------------------------------------------


def _out(b: Bulletin) -> dict[str, Any]:
    return {
        "id": b.pk,
        "title": b.title,
        "summary": b.summary,
        "status": b.status,
        "priority": b.priority,
        "language": b.language,
        "source_level": b.source_level,
        "unit_code": b.unit.code,
        "organisation_code": b.source_organisation.code if b.source_organisation else None,
        "category": b.category.code,
        "target_scope": b.target_scope,
        "targets": [t.code for t in b.targets.all()],
        "channels": list(b.channels),
        "valid_from": b.valid_from,
        "valid_until": b.valid_until,
        "revision": b.revision,
        "live_revision": b.live_revision,
        "due_at": b.due_at,
        "created_at": b.created_at,
        "updated_at": b.updated_at,
    }


def _attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "kind": a.blob.kind,
        "mime_type": a.blob.mime_type,
        "size": a.blob.size,
        "sha256": a.blob.sha256,
        "duration_seconds": a.blob.duration_seconds,
    }


def _detail(b: Bulletin) -> dict[str, Any]:
    return {
        **_out(b),
        "body": b.body,
        "body_text": b.body_text,
        "attachments": [_attachment_out(a) for a in b.attachments.select_related("blob")],
    }


def _input(request: HttpRequest, payload: BulletinIn, place: AdministrativeUnit) -> bulletins.BulletinInput:
    from nguon.speech.models import Voice

    category = Category.objects.filter(code=payload.category, is_active=True).first()
    codes = list(dict.fromkeys(payload.targets))
    found = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in=codes, is_current=True, path__startswith=place.path
        )
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {"targets": [f"Không có đơn vị {c} trong phạm vi của {place.full_name}." for c in missing]}
        )
    voice = None
    if payload.voice:
        voice = Voice.objects.filter(code=payload.voice, is_active=True).first()
        if voice is None:
            raise ValidationError({"voice": [f"Không có giọng đọc {payload.voice}."]})
    return bulletins.BulletinInput(
        title=payload.title,
        category=category,
        summary=payload.summary,
        body=payload.body,
        language=payload.language,
        priority=payload.priority,
        target_scope=payload.target_scope,
        targets=[found[c] for c in codes],
        channels=list(payload.channels),
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        voice=voice,
    )


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    return selectors.get_bulletin(request.user, pk)


# -- bulletins ---------------------------------------------------------------------------------------------


@router.get(
    "/categories", response=list[CategoryOut], summary="Essential-information categories (NĐ 49/2024)"
)
def categories(request: HttpRequest) -> Any:
    return Category.objects.filter(is_active=True)


@router.get("/bulletins", response=PageOut, summary="Bulletins the caller may read, newest change first")
def list_bulletins(request: HttpRequest, filters: Query[BulletinFilters]) -> Any:
    qs = selectors.list_bulletins(
        request.user, status=filters.status, priority=filters.priority, mine=filters.mine
    )
    start = filters.offset
    page = qs.prefetch_related("targets")[start : start + filters.limit]
    return {"count": qs.count(), "items": [_out(b) for b in page]}


@router.post(
    "/bulletins", response={201: BulletinDetailOut, 422: ErrorOut}, summary="Write a new bulletin (a draft)"
)
def create(request: HttpRequest, payload: BulletinIn) -> Any:
    organisation = None
    unit = None
    if payload.organisation:
        organisation = Organisation.objects.filter(code=payload.organisation, is_active=True).first()
        if organisation is None:
            raise Http404
    elif payload.unit:
        unit = AdministrativeUnit.objects.filter(code=payload.unit, is_current=True).first()
        if unit is None:
            raise Http404
    place, _level, _org = bulletins.placement(actor=request.user, unit=unit, organisation=organisation)
    data = _input(request, payload, place)
    b = bulletins.create_bulletin(actor=request.user, data=data, unit=unit, organisation=organisation)
    return Status(201, _detail(b))


@router.get(
    "/bulletins/{pk}", response=BulletinDetailOut, summary="One bulletin with its body and attachments"
)
def detail(request: HttpRequest, pk: int) -> Any:
    return _detail(_bulletin(request, pk))


@router.put("/bulletins/{pk}", response={200: BulletinDetailOut, 422: ErrorOut}, summary="Change a draft")
def update(request: HttpRequest, pk: int, payload: BulletinIn) -> Any:
    b = _bulletin(request, pk)
    return _detail(
        bulletins.update_bulletin(actor=request.user, bulletin=b, data=_input(request, payload, b.unit))
    )


@router.post(
    "/bulletins/{pk}/attachments",
    response={201: AttachmentOut, 413: ErrorOut, 422: ErrorOut},
    summary="Attach a file (checked by content; audio, video, images, PDF, DOCX)",
)
def attach(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    b = _bulletin(request, pk)
    if file.size is not None and file.size > files.largest_limit():
        raise files.RejectedFileError(
            f"Tệp quá lớn (tối đa {files.largest_limit() // files.MB} MB).", status=413
        )
    a = attachments.add_attachment(actor=request.user, bulletin=b, upload=file)
    return Status(201, _attachment_out(a))


@router.delete("/bulletins/{pk}/attachments/{attachment_id}", response={204: None}, summary="Detach a file")
def detach(request: HttpRequest, pk: int, attachment_id: int) -> Any:
    b = _bulletin(request, pk)
    a = Attachment.objects.filter(bulletin=b, pk=attachment_id).select_related("blob").first()
    if a is None:
        raise Http404
    attachments.remove_attachment(actor=request.user, attachment=a)
    return Status(204, None)


_STEPS = {
    "submit": lambda user, b, text: workflow.submit(actor=user, bulletin=b, comment=text),
    "appraise": lambda user, b, text: workflow.appraise(actor=user, bulletin=b, comment=text),
    "return": lambda user, b, text: workflow.return_for_changes(actor=user, bulletin=b, comment=text),
    "approve": lambda user, b, text: workflow.approve(actor=user, bulletin=b, comment=text),
    "withdraw": lambda user, b, text: workflow.withdraw(actor=user, bulletin=b, reason=text),
    "correct": lambda user, b, text: workflow.start_correction(actor=user, bulletin=b, note=text),
}


@router.post(
    "/bulletins/{pk}/steps/{step}",
    response={200: BulletinOut, 422: ErrorOut},
    summary="Take a workflow step: submit, appraise, return, approve (2FA), withdraw, correct",
)
def step(request: HttpRequest, pk: int, step: str, payload: StepIn) -> Any:
    action = _STEPS.get(step)
    if action is None:
        raise Http404
    b = _bulletin(request, pk)
    return _out(action(request.user, b, payload.comment))


@router.get("/bulletins/{pk}/revisions", response=list[RevisionOut], summary="Every revision of a bulletin")
def revisions(request: HttpRequest, pk: int) -> Any:
    b = _bulletin(request, pk)
    return [
        {
            "number": r.number,
            "note": r.note,
            "is_correction": r.is_correction,
            "created_at": r.created_at,
            "created_by": r.created_by.get_username() if r.created_by else None,
            "data": r.data,
        }
        for r in b.revisions.select_related("created_by").order_by("number")
    ]


@router.get(
    "/bulletins/{pk}/diff", response=list[FieldDiffOut], summary="Word-level changes between revisions"
)
def diff(request: HttpRequest, pk: int, old: int, new: int) -> Any:
    b = _bulletin(request, pk)
    try:
        before, after = selectors.revision(b, old), selectors.revision(b, new)
    except b.revisions.model.DoesNotExist:
        raise Http404 from None
    return [
        {"field": d.field, "label": d.label, "ops": [{"op": op, "text": text} for op, text in d.ops]}
        for d in selectors.diff_revisions(before, after)
    ]


# -- the work queue, inboxes, notifications -----------------------------------------------------------------


@router.get("/waiting", response=list[WaitingOut], summary="What waits for the caller, most urgent first")
def waiting(request: HttpRequest) -> Any:
    return [
        {
            "task": item.task,
            "bulletin_id": item.bulletin.pk,
            "title": item.bulletin.title,
            "priority": item.bulletin.priority,
            "entry_id": item.entry.pk if item.entry else None,
            "due_at": item.due_at,
        }
        for item in selectors.waiting_for(request.user)
    ]


def _inbox_out(e: InboxEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "bulletin_id": e.bulletin_id,
        "title": e.bulletin.title,
        "unit_code": e.unit.code,
        "priority": e.priority,
        "status": e.status,
        "revision": e.revision,
        "position": e.position,
        "reason": e.reason,
        "has_correction": e.has_correction,
        "residential_codes": list(e.residential_codes),
        "received_at": e.received_at,
        "due_at": e.due_at,
    }


@router.get("/inbox", response=list[InboxOut], summary="Bulletins sent down to the caller's communes (TT39)")
def inbox_list(request: HttpRequest, status: str | None = None) -> Any:
    return [_inbox_out(e) for e in selectors.inbox_entries(request.user, status=status)[:500]]


@router.post(
    "/inbox/{pk}/accept", response={200: InboxOut, 422: ErrorOut}, summary="Accept into the schedule"
)
def inbox_accept(request: HttpRequest, pk: int) -> Any:
    entry = selectors.get_inbox_entry(request.user, pk)
    return _inbox_out(inbox.accept(actor=request.user, entry=entry))


@router.post(
    "/inbox/{pk}/decline", response={200: InboxOut, 422: ErrorOut}, summary="Decline a normal bulletin"
)
def inbox_decline(request: HttpRequest, pk: int, payload: DeclineIn) -> Any:
    entry = selectors.get_inbox_entry(request.user, pk)
    return _inbox_out(inbox.decline(actor=request.user, entry=entry, reason=payload.reason))


@router.post(
    "/inbox/order", response={200: list[InboxOut], 422: ErrorOut}, summary="Order the accepted priority items"
)
def inbox_order(request: HttpRequest, payload: OrderIn) -> Any:
    unit = AdministrativeUnit.objects.filter(code=payload.unit, is_current=True).first()
    if unit is None or not access.can(request.user, access.CONTENT_RECEIVE, unit=unit):
        raise Http404
    return [
        _inbox_out(e)
        for e in inbox.order_priority(actor=request.user, unit=unit, entry_ids=payload.entry_ids)
    ]


@router.get("/notifications", response=list[NotificationOut], summary="The caller's latest notices")
def notification_list(request: HttpRequest) -> Any:
    return selectors.recent_notifications(request.user)


@router.post("/notifications/read", response=CountOut, summary="Mark notices read (all when no ids)")
def notification_read(request: HttpRequest, payload: ReadIn) -> Any:
    return {"count": notifications.mark_read(user=request.user, ids=payload.ids)}
