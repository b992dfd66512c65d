"""API: propagation campaigns — create and issue them, remind, read the completion table, report what a
target did (with an optional evidence file), export the table as .xlsx. Every handler goes through the
services and selectors; errors take the project's ``{"error": {...}}`` shape (422, 404, 413)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.content import campaign_export, files
from nguon.content.choices import CampaignChannel
from nguon.content.models import Campaign, CampaignReport, CampaignTarget
from nguon.content.selectors import campaigns as selectors
from nguon.content.services import campaigns as services
from nguon.core.schemas import ErrorOut
from nguon.units.models import AdministrativeUnit, Organisation
from nguon.units.selectors import visible_units

router = Router(tags=["campaigns"])


class CampaignIn(Schema):
    title: str
    directive: str = ""
    reference: str = ""
    channels: list[CampaignChannel]
    deadline: date
    unit: str | None = Field(None, description="Issuing unit code (province 19, commune 05569)")
    organisation: str | None = Field(None, description="Issuing organisation code")
    target_units: list[str] = Field(default_factory=list, description="Codes: 05569, 05569-TDP01")
    target_organisations: list[str] = Field(default_factory=list, description="Organisation codes")


class SummaryOut(Schema):
    targets: int
    reported: int
    pending: int
    percent: int
    deadline: date
    today: date
    is_overdue: bool
    days_left: int


class DocumentOut(Schema):
    id: int
    name: str
    kind: str
    mime_type: str
    size: int
    sha256: str


class CampaignOut(Schema):
    id: int
    title: str
    reference: str
    channels: list[str]
    deadline: date
    status: str
    unit: str
    unit_name: str
    organisation: str | None
    created_at: datetime
    issued_at: datetime | None


class CampaignDetailOut(CampaignOut):
    directive: str
    documents: list[DocumentOut]
    summary: SummaryOut
    can_manage: bool


class RowOut(Schema):
    target_id: int
    name: str
    kind: str
    status: str
    status_label: str
    channels: list[str]
    first_done_on: date | None
    last_done_on: date | None
    audience: int | None
    report_count: int
    evidence_count: int
    reminder_count: int
    last_reminded_at: datetime | None
    reported_at: datetime | None
    is_overdue: bool


class CompletionOut(Schema):
    summary: SummaryOut
    rows: list[RowOut]


class AssignmentOut(Schema):
    target_id: int
    campaign_id: int
    campaign_title: str
    reference: str
    deadline: date
    campaign_status: str
    name: str
    status: str
    reminder_count: int


class RemindIn(Schema):
    target_ids: list[int] | None = Field(None, description="Only these targets (default: every pending one)")


class RemindOut(Schema):
    reminded: list[int]


class ReportIn(Schema):
    channel: CampaignChannel
    done_on: date
    audience: int | None = None
    evidence_link: str = ""
    note: str = ""


class ReportOut(Schema):
    id: int
    target_id: int
    channel: str
    done_on: date
    audience: int | None
    evidence_link: str
    evidence_name: str
    has_evidence: bool
    note: str
    reported_at: datetime


def _out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "reference": c.reference,
        "channels": list(c.channels),
        "deadline": c.deadline,
        "status": c.status,
        "unit": c.unit.code,
        "unit_name": c.unit.full_name,
        "organisation": c.organisation.code if c.organisation else None,
        "created_at": c.created_at,
        "issued_at": c.issued_at,
    }


def _detail(request: HttpRequest, c: Campaign) -> dict[str, Any]:
    table = _table(request, c)
    return {
        **_out(c),
        "directive": c.directive,
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "kind": d.blob.kind,
                "mime_type": d.blob.mime_type,
                "size": d.blob.size,
                "sha256": d.blob.sha256,
            }
            for d in c.documents.select_related("blob")
        ],
        "summary": table.summary,
        "can_manage": selectors.can_manage(request.user, c),
    }


def _report_out(r: CampaignReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "target_id": r.target_id,
        "channel": r.channel,
        "done_on": r.done_on,
        "audience": r.audience,
        "evidence_link": r.evidence_link,
        "evidence_name": r.evidence_name,
        "has_evidence": r.evidence_id is not None,
        "note": r.note,
        "reported_at": r.reported_at,
    }


def _table(request: HttpRequest, c: Campaign) -> selectors.CompletionTable:
    """The whole table for those who oversee the campaign; their own rows for a target's people."""
    if selectors.can_oversee(request.user, c):
        return selectors.completion_table(c)
    return selectors.completion_table(c, targets=selectors.list_own_targets(user=request.user, campaign=c))


def _targets(request: HttpRequest, payload: CampaignIn) -> list[AdministrativeUnit | Organisation]:
    """The units and organisations named by code; a code not found (or not visible) is a 422."""
    unit_codes = list(dict.fromkeys(payload.target_units))
    org_codes = list(dict.fromkeys(payload.target_organisations))
    units = {u.code: u for u in visible_units(user=request.user).filter(code__in=unit_codes, is_current=True)}
    orgs = {o.code: o for o in Organisation.objects.select_related("unit").filter(code__in=org_codes)}
    missing = [c for c in unit_codes if c not in units] + [c for c in org_codes if c not in orgs]
    if missing:
        raise ValidationError({"targets": [f"Không tìm thấy đơn vị, tổ chức mã {c}." for c in missing]})
    return [units[c] for c in unit_codes] + [orgs[c] for c in org_codes]


def _fields(request: HttpRequest, payload: CampaignIn) -> dict[str, Any]:
    return {
        "title": payload.title,
        "directive": payload.directive,
        "reference": payload.reference,
        "channels": [str(c) for c in payload.channels],
        "deadline": payload.deadline,
        "targets": _targets(request, payload),
    }


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return selectors.get_campaign(user=request.user, pk=pk)


def _managed(request: HttpRequest, pk: int) -> Campaign:
    return selectors.get_issued_campaign(user=request.user, pk=pk)


# -- campaigns -----------------------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns the caller oversees or carries out")
def list_campaigns(request: HttpRequest, status: str | None = None) -> Any:
    seen = selectors.list_campaigns(user=request.user).values("pk")
    assigned = selectors.list_assignments(user=request.user).values("campaign_id")
    qs = Campaign.objects.select_related("unit", "organisation").filter(pk__in=seen) | (
        Campaign.objects.select_related("unit", "organisation").filter(pk__in=assigned)
    )
    if status:
        qs = qs.filter(status=status)
    return [_out(c) for c in qs.distinct().order_by("-created_at")[:500]]


@router.get("/campaigns/assignments", response=list[AssignmentOut], summary="Targets the caller reports for")
def campaign_assignments(request: HttpRequest) -> Any:
    return [
        {
            "target_id": t.pk,
            "campaign_id": t.campaign_id,
            "campaign_title": t.campaign.title,
            "reference": t.campaign.reference,
            "deadline": t.campaign.deadline,
            "campaign_status": t.campaign.status,
            "name": selectors.target_name(t),
            "status": t.status,
            "reminder_count": t.reminder_count,
        }
        for t in selectors.list_assignments(user=request.user)[:500]
    ]


@router.post(
    "/campaigns", response={201: CampaignDetailOut, 422: ErrorOut}, summary="Write a new campaign (a draft)"
)
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Any:
    unit = organisation = None
    if payload.organisation:
        organisation = Organisation.objects.select_related("unit").filter(code=payload.organisation).first()
        if organisation is None:
            raise Http404
    elif payload.unit:
        unit = AdministrativeUnit.objects.filter(code=payload.unit, is_current=True).first()
        if unit is None:
            raise Http404
    c = services.create_campaign(
        request.user, unit=unit, organisation=organisation, **_fields(request, payload)
    )
    return Status(201, _detail(request, c))


@router.get("/campaigns/{pk}", response=CampaignDetailOut, summary="One campaign with its summary")
def campaign_detail(request: HttpRequest, pk: int) -> Any:
    return _detail(request, _campaign(request, pk))


@router.put("/campaigns/{pk}", response={200: CampaignDetailOut, 422: ErrorOut}, summary="Change a draft")
def update_campaign(request: HttpRequest, pk: int, payload: CampaignIn) -> Any:
    c = services.update_campaign(request.user, _managed(request, pk), **_fields(request, payload))
    return _detail(request, c)


@router.post(
    "/campaigns/{pk}/documents",
    response={201: DocumentOut, 413: ErrorOut, 422: ErrorOut},
    summary="Attach a document, audio spot or image (checked by content)",
)
def add_campaign_document(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    c = _managed(request, pk)
    _check_size(file)
    d = services.add_document(request.user, c, file)
    blob = d.blob
    return Status(
        201,
        {
            "id": d.pk,
            "name": d.original_name,
            "kind": blob.kind,
            "mime_type": blob.mime_type,
            "size": blob.size,
            "sha256": blob.sha256,
        },
    )


@router.post(
    "/campaigns/{pk}/issue",
    response={200: CampaignDetailOut, 422: ErrorOut},
    summary="Issue a draft: its targets are notified",
)
def issue_campaign(request: HttpRequest, pk: int) -> Any:
    return _detail(request, services.issue_campaign(request.user, _managed(request, pk)))


@router.post(
    "/campaigns/{pk}/remind",
    response={200: RemindOut, 422: ErrorOut},
    summary="Remind the targets that have not reported",
)
def remind_campaign(request: HttpRequest, pk: int, payload: RemindIn | None = None) -> Any:
    c = _managed(request, pk)
    chosen: list[CampaignTarget] | None = None
    if payload is not None and payload.target_ids is not None:
        chosen = list(c.targets.filter(pk__in=payload.target_ids))
        if len(chosen) != len(set(payload.target_ids)):
            raise ValidationError({"target_ids": ["Đơn vị không thuộc chiến dịch này."]})
    reminded = services.remind(request.user, c, chosen)
    return {"reminded": [t.pk for t in reminded]}


@router.post(
    "/campaigns/{pk}/close", response={200: CampaignDetailOut, 422: ErrorOut}, summary="Close a campaign"
)
def close_campaign(request: HttpRequest, pk: int) -> Any:
    return _detail(request, services.close_campaign(request.user, _managed(request, pk)))


@router.get(
    "/campaigns/{pk}/targets",
    response=CompletionOut,
    summary="Completion per target (a target's people see their own rows)",
)
def campaign_targets(request: HttpRequest, pk: int) -> Any:
    table = _table(request, _campaign(request, pk))
    return {"summary": table.summary, "rows": table.rows}


@router.get(
    "/campaigns/{pk}/targets/{target_id}/reports",
    response=list[ReportOut],
    summary="What one target reported",
)
def target_reports(request: HttpRequest, pk: int, target_id: int) -> Any:
    c = _campaign(request, pk)
    if selectors.can_oversee(request.user, c):
        target = c.targets.filter(pk=target_id).first()
        if target is None:
            raise Http404
    else:
        target = selectors.get_target(user=request.user, campaign=c, pk=target_id)
    return [_report_out(r) for r in selectors.list_reports(target=target)]


@router.post(
    "/campaigns/{pk}/targets/{target_id}/reports",
    response={201: ReportOut, 413: ErrorOut, 422: ErrorOut},
    summary="Report one channel a target used (multipart; optional evidence file)",
)
def submit_target_report(
    request: HttpRequest,
    pk: int,
    target_id: int,
    payload: Form[ReportIn],
    evidence: File[UploadedFile | None] = None,
) -> Any:
    c = _campaign(request, pk)
    target = selectors.get_target(user=request.user, campaign=c, pk=target_id)
    if evidence is not None:
        _check_size(evidence)
    report = services.submit_report(
        request.user,
        target,
        channel=str(payload.channel),
        done_on=payload.done_on,
        audience=payload.audience,
        evidence_link=payload.evidence_link,
        evidence_upload=evidence,
        note=payload.note,
    )
    return Status(201, _report_out(report))


@router.get(
    "/campaigns/{pk}/export.xlsx",
    response={200: None},
    summary="The completion table as an Excel workbook",
    openapi_extra={
        "responses": {
            200: {
                "description": "Bảng tiến độ (.xlsx)",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    },
)
def export_campaign(request: HttpRequest, pk: int) -> Any:
    c = _campaign(request, pk)
    if not selectors.can_oversee(request.user, c):
        raise Http404
    return campaign_export.export_response(c, selectors.completion_table(c))


def _check_size(upload: UploadedFile) -> None:
    """Refuse an upload larger than any kind allows before reading it (413)."""
    if upload.size is not None and upload.size > files.largest_limit():
        raise files.RejectedFileError(
            f"Tệp quá lớn (tối đa {files.largest_limit() // files.MB} MB).", status=413
        )
