"""API of the plan614 app, under /api/v1/plan614/: the Đề án 614 tracker — targets and tasks with their
status, posting a progress update (lead and partner people) and an entered measurement (managers), with
an optional evidence file (multipart). Bad input: 422 with per-field ``details``; not allowed: 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.content import files
from nguon.core.schemas import ErrorOut
from nguon.plan614 import selectors, services
from nguon.plan614.models import Measurement, ProgressUpdate
from nguon.plan614.selectors import TargetRow, TaskRow

router = Router(tags=["plan614"])


class TargetOut(Schema):
    id: int
    code: str
    wording: str
    section: str
    horizon: int
    measure_unit: str
    target_value: float
    method: str
    computed_key: str
    status: str
    status_label: str
    latest_value: float | None
    latest_on: date | None
    expected_value: float | None
    trend: float | None
    progress: int


class OrganisationRef(Schema):
    code: str
    name: str


class TaskOut(Schema):
    id: int
    number: int
    title: str
    lead: str
    partners: str
    lead_organisations: list[OrganisationRef]
    partner_organisations: list[OrganisationRef]
    lead_units: list[str]
    partner_units: list[str]
    funding: list[str]
    period_start: date
    period_end: date
    recorded_status: str
    status: str
    status_label: str
    percent: int | None
    elapsed: int
    can_report: bool


class ProgressIn(Schema):
    reported_on: date | None = None
    percent: str = ""
    text: str = ""
    evidence_link: str = ""


class ProgressOut(Schema):
    id: int
    task: int
    reported_on: date
    percent: int
    text: str
    evidence_name: str
    evidence_sha256: str | None
    evidence_link: str
    reported_by: str
    created_at: datetime
    task_status: str


class MeasurementIn(Schema):
    measured_on: date | None = None
    value: str = ""
    evidence_link: str = ""
    note: str = ""


class MeasurementOut(Schema):
    id: int
    target: int
    measured_on: date
    value: float
    source: str
    evidence_name: str
    evidence_sha256: str | None
    evidence_link: str
    note: str
    recorded_by: str


def _target_out(row: TargetRow) -> dict[str, Any]:
    t, s = row.target, row.state
    return {
        "id": t.pk,
        "code": t.code,
        "wording": t.wording,
        "section": t.section,
        "horizon": t.horizon,
        "measure_unit": t.measure_unit,
        "target_value": float(t.target_value),
        "method": t.method,
        "computed_key": t.computed_key,
        "status": s.health,
        "status_label": row.health_label,
        "latest_value": float(s.latest.value) if s.latest else None,
        "latest_on": s.latest.on if s.latest else None,
        "expected_value": float(round(s.expected, 2)) if s.expected is not None else None,
        "trend": float(s.trend) if s.trend is not None else None,
        "progress": s.progress,
    }


def _task_out(request: HttpRequest, row: TaskRow) -> dict[str, Any]:
    t, s = row.task, row.state
    return {
        "id": t.pk,
        "number": t.number,
        "title": t.title,
        "lead": t.lead_text,
        "partners": t.partner_text,
        "lead_organisations": [{"code": o.code, "name": o.name} for o in t.lead_organisations.all()],
        "partner_organisations": [{"code": o.code, "name": o.name} for o in t.partners.all()],
        "lead_units": [u.code for u in t.lead_units.all()],
        "partner_units": [u.code for u in t.partner_units.all()],
        "funding": list(t.funding),
        "period_start": t.period_start,
        "period_end": t.period_end,
        "recorded_status": t.status,
        "status": s.health,
        "status_label": row.health_label,
        "percent": s.percent,
        "elapsed": s.elapsed,
        "can_report": selectors.may_report(request.user, t),
    }


def _progress_out(u: ProgressUpdate) -> dict[str, Any]:
    return {
        "id": u.pk,
        "task": u.task_id,
        "reported_on": u.reported_on,
        "percent": u.percent,
        "text": u.text,
        "evidence_name": u.evidence_name,
        "evidence_sha256": u.evidence.sha256 if u.evidence else None,
        "evidence_link": u.evidence_link,
        "reported_by": u.reported_by_label,
        "created_at": u.created_at,
        "task_status": u.task.status,
    }


def _measurement_out(m: Measurement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "target": m.target_id,
        "measured_on": m.measured_on,
        "value": float(m.value),
        "source": m.source,
        "evidence_name": m.evidence_name,
        "evidence_sha256": m.evidence.sha256 if m.evidence else None,
        "evidence_link": m.evidence_link,
        "note": m.note,
        "recorded_by": m.recorded_by_label,
    }


def _check_size(upload: UploadedFile | None) -> None:
    """Refuse an upload larger than any kind allows before reading it (413)."""
    if upload is not None and upload.size is not None and upload.size > files.largest_limit():
        raise files.RejectedFileError(
            f"Tệp quá lớn (tối đa {files.largest_limit() // files.MB} MB).", status=413
        )


@router.get("/targets", response={200: list[TargetOut], 404: ErrorOut}, summary="Targets with their status")
def list_targets(request: HttpRequest, horizon: int | None = None, status: str | None = None) -> Any:
    return [_target_out(r) for r in selectors.list_targets(user=request.user, horizon=horizon, health=status)]


@router.get("/tasks", response={200: list[TaskOut], 404: ErrorOut}, summary="Annex tasks with their status")
def list_tasks(request: HttpRequest, status: str | None = None) -> Any:
    return [_task_out(request, r) for r in selectors.list_tasks(user=request.user, health=status)]


@router.post(
    "/tasks/{pk}/updates",
    response={201: ProgressOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Post a progress update on a task (multipart; optional evidence file)",
)
def post_progress(
    request: HttpRequest,
    pk: int,
    payload: Form[ProgressIn],
    evidence: File[UploadedFile | None] = None,
) -> Any:
    task = selectors.get_task(user=request.user, pk=pk)
    _check_size(evidence)
    update = services.post_progress(
        actor=request.user,
        task=task,
        reported_on=payload.reported_on,
        percent=payload.percent,
        text=payload.text,
        evidence_upload=evidence,
        evidence_link=payload.evidence_link,
    )
    return Status(201, _progress_out(update))


@router.post(
    "/targets/{pk}/measurements",
    response={201: MeasurementOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Enter a measured value of a target with evidence (multipart)",
)
def post_measurement(
    request: HttpRequest,
    pk: int,
    payload: Form[MeasurementIn],
    evidence: File[UploadedFile | None] = None,
) -> Any:
    target = selectors.get_target(user=request.user, pk=pk)
    _check_size(evidence)
    measurement = services.record_measurement(
        actor=request.user,
        target=target,
        measured_on=payload.measured_on,
        value=payload.value,
        evidence_upload=evidence,
        evidence_link=payload.evidence_link,
        note=payload.note,
    )
    return Status(201, _measurement_out(measurement))
