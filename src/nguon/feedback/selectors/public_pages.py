"""Reads for the citizens' pages (no sign-in): the form's choices, the tracking page, published answers.

Nothing here passes through :func:`nguon.core.access.scope`: these pages have no signed-in person. They
are safe because every function returns **plain records** holding only what may be shown publicly —
templates never get a :class:`~nguon.feedback.models.Feedback` row, so they cannot reach the sender's
name, phone, e-mail or address hash. The tracking page shows the sender's data masked at most (with the
masking of :mod:`nguon.feedback.selectors.public`, shared with Open311); published answers show none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from nguon.feedback.choices import AnswerStatus, EventKind, Status
from nguon.feedback.models import Answer, Feedback, FeedbackAttachment, FeedbackCategory
from nguon.feedback.selectors import public
from nguon.feedback.services.answers import MAX_REOPEN, REOPEN_WITHIN
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit
from nguon.units.selectors import list_communes, list_residential_units

#: What each status means, in plain words for the citizen.
STATUS_EXPLAINED: dict[str, str] = {
    Status.RECEIVED: "Phản ánh đã được tiếp nhận và chuyển đến đơn vị có trách nhiệm.",
    Status.IN_PROGRESS: "Cán bộ đang xem xét, xử lý phản ánh.",
    Status.AWAITING_APPROVAL: "Đã có dự thảo trả lời, đang chờ lãnh đạo duyệt.",
    Status.ANSWERED: "Đã có trả lời chính thức. Bạn có thể đánh giá kết quả hoặc đề nghị xem xét lại.",
    Status.CLOSED: "Đã trả lời và kết thúc.",
    Status.DECLINED: "Phản ánh không thuộc phạm vi thụ lý.",
}


# --- the form -------------------------------------------------------------------------------------


def category_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active categories as ``(group, [(code, name), …])``, in their configured order."""
    rows = FeedbackCategory.objects.filter(active=True).order_by("group", "position", "name")
    return [
        (group or "Khác", [(c.code, c.name) for c in items])
        for group, items in groupby(rows, key=lambda c: c.group)
    ]


def active_category(code: str) -> FeedbackCategory | None:
    return FeedbackCategory.objects.filter(code=code, active=True).first()


def province_communes() -> QuerySet[AdministrativeUnit]:
    """The installation's current communes and wards (the commune picker)."""
    return list_communes(province_code=settings.NGUON_PROVINCE_CODE).order_by("name", "code")


def province_commune(code: str) -> AdministrativeUnit | None:
    return province_communes().filter(code=code).first()


def residential_units(commune: AdministrativeUnit | None) -> QuerySet[AdministrativeUnit]:
    if commune is None:
        return AdministrativeUnit.objects.none()
    return list_residential_units(commune=commune).order_by("name", "code")


def residential_unit(commune: AdministrativeUnit, code: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(parent=commune, level=UnitLevel.RESIDENTIAL, code=code).first()


# --- the tracking page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    label: str
    message: str


@dataclass(frozen=True)
class PublishedAnswer:
    public_id: str
    public_title: str
    body: str
    published_at: datetime
    category: str
    commune: str
    commune_code: str
    received_at: datetime
    aired: bool


@dataclass(frozen=True)
class Tracking:
    """What the citizen holding the tracking code sees."""

    pk: int
    public_id: str
    tracking_code: str
    title: str
    description: str
    category: str
    commune: str
    residential_unit: str
    address: str
    status: str
    status_label: str
    status_explained: str
    is_open: bool
    received_at: datetime
    due_at: datetime
    overdue: bool
    handled_by: str
    files: int
    sender_name: str
    sender_phone: str
    sender_email: str
    events: list[PublicEvent]
    answer: PublishedAnswer | None
    rating: int | None
    rating_comment: str
    can_rate: bool
    can_reopen: bool


def feedback_for_tracking(code: str) -> Feedback | None:
    """The feedback a tracking code opens (used by the views to call the rating/reopen services)."""
    if not code or len(code) > 32:
        return None
    return Feedback.objects.select_related("category", "unit").filter(tracking_code=code).first()


def _public_events(feedback: Feedback) -> list[PublicEvent]:
    events = feedback.events.filter(internal=False).order_by("at", "pk")
    shown: list[PublicEvent] = []
    for event in events:
        label = EventKind(event.kind).label if event.kind in EventKind.values else event.kind
        # the answer itself is shown in full below the timeline; staff names are not shown
        message = "" if event.kind == EventKind.ANSWER_PUBLISHED else event.message
        shown.append(PublicEvent(at=event.at, label=str(label), message=message))
    return shown


def _published(answer: Answer) -> PublishedAnswer:
    feedback = answer.feedback
    assert answer.published_at is not None
    return PublishedAnswer(
        public_id=feedback.public_id,
        public_title=answer.public_title or "",
        body=answer.body,
        published_at=answer.published_at,
        category=feedback.category.name,
        commune=feedback.unit.full_name,
        commune_code=feedback.unit.code,
        received_at=feedback.received_at,
        aired=answer.bulletin_id is not None,
    )


def _newest_answer(feedback: Feedback) -> Answer | None:
    return (
        Answer.objects.select_related("feedback__category", "feedback__unit")
        .filter(feedback=feedback, status=AnswerStatus.APPROVED, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def tracking(code: str, *, now: datetime) -> Tracking | None:
    """The tracking page's record for ``code``, or None (unknown code)."""
    feedback = feedback_for_tracking(code)
    if feedback is None:
        return None
    feedback = Feedback.objects.select_related(
        "category", "unit", "residential_unit", "handling_unit", "handling_organisation"
    ).get(pk=feedback.pk)
    answer = _newest_answer(feedback)
    answered_at = feedback.answered_at
    can_reopen = (
        feedback.status in (Status.ANSWERED, Status.CLOSED)
        and answered_at is not None
        and feedback.reopen_count < MAX_REOPEN
        and now - answered_at <= REOPEN_WITHIN
    )
    handler = feedback.handling_organisation
    masked = public.masked_reporter(feedback)
    return Tracking(
        pk=feedback.pk,
        public_id=feedback.public_id,
        tracking_code=feedback.tracking_code,
        title=feedback.title,
        description=feedback.description,
        category=feedback.category.name,
        commune=feedback.unit.full_name,
        residential_unit=feedback.residential_unit.full_name if feedback.residential_unit else "",
        address=feedback.address,
        status=feedback.status,
        status_label=str(Status(feedback.status).label),
        status_explained=STATUS_EXPLAINED.get(feedback.status, ""),
        is_open=feedback.is_open,
        received_at=feedback.received_at,
        due_at=feedback.due_at,
        overdue=feedback.is_open and feedback.due_at < now,
        handled_by=handler.name if handler is not None else feedback.handling_unit.full_name,
        files=feedback.attachments.count(),
        sender_name=masked["name"],
        sender_phone=masked["phone"],
        sender_email=masked["email"],
        events=_public_events(feedback),
        answer=_published(answer) if answer is not None else None,
        rating=feedback.rating,
        rating_comment=feedback.rating_comment,
        can_rate=feedback.status == Status.ANSWERED,
        can_reopen=can_reopen,
    )


# --- published answers ----------------------------------------------------------------------------


def published_answers(*, commune_code: str = "", category_code: str = "") -> QuerySet[Answer]:
    """The newest published answer of each feedback, newest first, optionally filtered.

    Turn the rows into public records with :func:`public_answer` before they reach a template.
    """
    newer = Answer.objects.filter(
        feedback=OuterRef("feedback"),
        status=AnswerStatus.APPROVED,
        published_at__gt=OuterRef("published_at"),
    )
    answers = (
        Answer.objects.filter(status=AnswerStatus.APPROVED, published_at__isnull=False)
        .exclude(Exists(newer))
        .select_related("feedback__category", "feedback__unit")
        .order_by("-published_at", "-pk")
    )
    if commune_code:
        answers = answers.filter(feedback__unit__code=commune_code, feedback__unit__is_current=True)
    if category_code:
        answers = answers.filter(feedback__category__code=category_code)
    return answers


def public_answer(answer: Answer) -> PublishedAnswer:
    return _published(answer)


def published_answer(public_id: str) -> PublishedAnswer | None:
    feedback = Feedback.objects.filter(public_id=public_id).first()
    if feedback is None:
        return None
    answer = _newest_answer(feedback)
    return _published(answer) if answer is not None else None


@dataclass(frozen=True)
class PublicPhoto:
    """A released photo; its file name is not shown (it may hold a name)."""

    pk: int


def public_photos(public_id: str) -> list[PublicPhoto]:
    """Photos a handler released for publication, of a feedback with a published answer."""
    rows = FeedbackAttachment.objects.filter(
        feedback__public_id=public_id,
        public=True,
        blob__kind="image",
        feedback__anonymised_at__isnull=True,
        feedback__answers__status=AnswerStatus.APPROVED,
        feedback__answers__published_at__isnull=False,
    ).distinct()
    return [PublicPhoto(pk=row.pk) for row in rows.order_by("pk")]


def public_photo(public_id: str, pk: int) -> FeedbackAttachment | None:
    """One released photo (for streaming its file), or None."""
    if pk not in {photo.pk for photo in public_photos(public_id)}:
        return None
    return FeedbackAttachment.objects.select_related("blob").get(pk=pk)
