"""API: citizens' feedback from the project's own clients (docs/open311.md, "JSON intake API").

``POST /api/v1/feedback/`` takes a multipart form (fields and up to five photos or recordings) without an
account; the anti-abuse rate limits apply (429 with ``Retry-After``). The tracking code returned is the
citizen's secret: ``GET track/{code}`` shows the citizen's view (status, public timeline, published
answer; the sender's details masked), ``POST track/{code}/rate`` and ``…/reopen`` act on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.content import files as content_files
from nguon.core.access import SYSTEM
from nguon.core.request_context import client_ip
from nguon.core.schemas import ErrorOut
from nguon.feedback.choices import OPEN_STATUSES, Channel, EventKind
from nguon.feedback.choices import Status as FeedbackStatus
from nguon.feedback.models import Feedback, FeedbackCategory
from nguon.feedback.open311.location import communes
from nguon.feedback.selectors import public
from nguon.feedback.services import answers, antiabuse
from nguon.feedback.services.antiabuse import SubmissionRefusedError
from nguon.feedback.services.intake import MAX_FILES, FeedbackInput, submit_feedback
from nguon.units.models import AdministrativeUnit

router = Router(tags=["feedback"])


class FeedbackIn(Schema):
    service_code: str = Field(..., description="Mã lĩnh vực (Open311 service_code), ví dụ moi-truong")
    description: str = Field(..., description="Nội dung phản ánh (10–5000 ký tự)")
    unit: str = Field(..., description="Mã xã, phường hiện hành, ví dụ 05569")
    title: str = ""
    residential_unit: str = Field("", description="Mã thôn, tổ dân phố thuộc xã (không bắt buộc)")
    address: str = ""
    latitude: str = ""
    longitude: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    wants_notification: bool = True


class SubmittedOut(Schema):
    public_id: str
    tracking_code: str
    tracking_url: str
    status: str
    status_notes: str
    received_at: datetime
    due_at: datetime


class MaskedReporterOut(Schema):
    name: str
    phone: str
    email: str


class EventOut(Schema):
    kind: str
    label: str
    message: str
    at: datetime


class AnswerOut(Schema):
    title: str
    body: str
    published_at: datetime | None
    aired_on_radio: bool


class TrackOut(Schema):
    public_id: str
    status: str
    status_label: str
    open311_status: str
    status_notes: str
    service_code: str
    service_name: str
    title: str
    address: str
    agency_responsible: str
    received_at: datetime
    due_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    reporter: MaskedReporterOut
    answer: AnswerOut | None
    timeline: list[EventOut]
    rating: int | None
    can_rate: bool
    can_reopen: bool


class RateIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = ""


class ReopenIn(Schema):
    reason: str


def _refused(response: HttpResponse, refusal: SubmissionRefusedError) -> Status[Any]:
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return Status(refusal.status, {"error": {"code": refusal.code, "message": refusal.message}})


@router.post(
    "/",
    auth=None,
    response={201: SubmittedOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="A citizen sends feedback (no account; multipart with up to five photos or recordings)",
)
def submit(
    request: HttpRequest,
    response: HttpResponse,
    payload: Form[FeedbackIn],
    files: File[list[UploadedFile] | None] = None,
) -> Any:
    uploads = list(files or [])
    for upload in uploads:
        if upload.size is not None and upload.size > content_files.largest_limit():
            raise content_files.RejectedFileError(
                f"Tệp quá lớn (tối đa {content_files.largest_limit() // content_files.MB} MB).", status=413
            )
    commune = communes().filter(code=payload.unit.strip()).first() if payload.unit.strip() else None
    residential = None
    if commune is not None and payload.residential_unit.strip():
        local_code = payload.residential_unit.strip().upper()
        residential = AdministrativeUnit.objects.filter(path=f"{commune.path}{local_code}/").first()
    data = FeedbackInput(
        category=FeedbackCategory.objects.filter(code=payload.service_code.strip(), active=True).first(),
        description=payload.description,
        unit=commune,
        title=payload.title,
        residential_unit=residential,
        address=payload.address,
        latitude=payload.latitude or None,
        longitude=payload.longitude or None,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_email=payload.reporter_email,
        wants_notification=payload.wants_notification,
        uploads=uploads[: MAX_FILES + 1],
    )
    ip_address = client_ip(request) or ""
    try:
        antiabuse.check_rate(
            ip_hash=antiabuse.keyed_hash(ip_address),
            phone_hash=antiabuse.keyed_hash(antiabuse.normalise_phone(payload.reporter_phone)),
        )
    except SubmissionRefusedError as refusal:
        return _refused(response, refusal)
    feedback = submit_feedback(actor=SYSTEM, data=data, channel=Channel.API, ip_address=ip_address)
    return Status(
        201,
        SubmittedOut(
            public_id=feedback.public_id,
            tracking_code=feedback.tracking_code,
            tracking_url=request.build_absolute_uri(reverse("feedback:track", args=[feedback.tracking_code])),
            status=feedback.status,
            status_notes=public.status_notes(feedback),
            received_at=feedback.received_at,
            due_at=feedback.due_at,
        ),
    )


def _tracked(code: str) -> Feedback:
    feedback = public.by_tracking_code(code)
    if feedback is None:
        raise Http404
    return feedback


def _track_out(feedback: Feedback) -> TrackOut:
    answer = public.published_answer(feedback)
    reopen_possible = feedback.status in (FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED) and (
        feedback.reopen_count < answers.MAX_REOPEN
    )
    return TrackOut(
        public_id=feedback.public_id,
        status=feedback.status,
        status_label=str(FeedbackStatus(feedback.status).label),
        open311_status="open" if feedback.status in OPEN_STATUSES else "closed",
        status_notes=public.status_notes(feedback, answer),
        service_code=feedback.category.code,
        service_name=feedback.category.name,
        title=public.public_title(feedback, answer),
        address=public.public_address(feedback),
        agency_responsible=public.agency_responsible(feedback),
        received_at=feedback.received_at,
        due_at=feedback.due_at,
        answered_at=feedback.answered_at,
        closed_at=feedback.closed_at,
        overdue=public.is_overdue(feedback),
        reporter=MaskedReporterOut(**public.masked_reporter(feedback)),
        answer=AnswerOut(
            title=answer.public_title,
            body=answer.body,
            published_at=answer.published_at,
            aired_on_radio=answer.bulletin_id is not None,
        )
        if answer is not None
        else None,
        timeline=[
            EventOut(kind=e.kind, label=str(EventKind(e.kind).label), message=e.message, at=e.at)
            for e in public.public_events(feedback)
        ],
        rating=feedback.rating,
        can_rate=feedback.status == FeedbackStatus.ANSWERED,
        can_reopen=reopen_possible,
    )


@router.get(
    "/track/{code}",
    auth=None,
    response={200: TrackOut, 404: ErrorOut},
    summary="The citizen's view of their feedback, by its tracking code (personal data masked)",
)
def track(request: HttpRequest, code: str) -> Any:
    return _track_out(_tracked(code))


@router.post(
    "/track/{code}/rate",
    auth=None,
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut},
    summary="The citizen rates the published answer (1–5); the feedback is closed",
)
def rate(request: HttpRequest, code: str, payload: RateIn) -> Any:
    feedback = answers.rate(feedback=_tracked(code), rating=payload.rating, comment=payload.comment)
    return _track_out(_tracked(feedback.tracking_code))


@router.post(
    "/track/{code}/reopen",
    auth=None,
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut},
    summary="The citizen is not satisfied with the answer: the feedback goes back to the handlers",
)
def reopen(request: HttpRequest, code: str, payload: ReopenIn) -> Any:
    feedback = answers.reopen(feedback=_tracked(code), reason=payload.reason)
    return _track_out(_tracked(feedback.tracking_code))
