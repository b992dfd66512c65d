"""What may be shown publicly about a feedback: Open311 responses, the citizen's tracking view.

Nothing here reads the sender's name, phone number, e-mail address or address hash for output, except
to *hide* it: :func:`public_title` and :func:`public_address` drop citizen-written text that contains the
sender's own personal data, and :func:`masked_reporter` shows it masked (the tracking view only).

Privacy rule for the citizen's text (docs/open311.md): the full description is never published. The
public title is the approver's vetted ``Answer.public_title`` once an answer is published, else the
feedback's short title — replaced by a neutral title when it holds the sender's name, a phone number or an
e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from nguon.core.text import fold
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, EventKind, Status
from nguon.feedback.models import Answer, Feedback, FeedbackAttachment, FeedbackEvent
from nguon.feedback.services.antiabuse import normalise_phone

#: At most this many requests in one Open311 list response (GeoReport v2 lets the server cap it).
MAX_RESULTS = 1000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE_LIKE = re.compile(r"(?:\+?84|0)(?:[\s.-]?\d){8,10}")
MAX_NOTES = 2000


def _related() -> QuerySet[Feedback]:
    return Feedback.objects.select_related(
        "category", "unit", "residential_unit", "handling_unit", "handling_organisation"
    )


def by_public_id(public_id: str) -> Feedback | None:
    return _related().filter(public_id=public_id).first()


def by_tracking_code(code: str) -> Feedback | None:
    """The feedback whose secret tracking code is ``code`` (exact match), or None."""
    code = (code or "").strip()
    if not code or len(code) > 32:
        return None
    return _related().filter(tracking_code=code).first()


def holds_personal_data(text: str, feedback: Feedback) -> bool:
    """True when ``text`` holds an e-mail address, something like a phone number, or the sender's name."""
    if not text:
        return False
    if _EMAIL.search(text) or _PHONE_LIKE.search(text):
        return True
    if feedback.reporter_phone and feedback.reporter_phone[1:] in normalise_phone(text):
        return True
    name = fold(feedback.reporter_name or "")
    return bool(name) and f" {name} " in f" {fold(text)} "


def _published_answers() -> QuerySet[Answer]:
    return Answer.objects.filter(status=AnswerStatus.APPROVED, published_at__isnull=False).order_by(
        "-published_at", "-pk"
    )


def with_public_relations(queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """``queryset`` with what public output needs fetched in a few queries (for long lists)."""
    return queryset.prefetch_related(
        Prefetch("answers", queryset=_published_answers(), to_attr="published_answers"),
        Prefetch(
            "attachments",
            queryset=FeedbackAttachment.objects.filter(public=True).select_related("blob").order_by("pk"),
            to_attr="public_files",
        ),
        Prefetch(
            "events",
            queryset=FeedbackEvent.objects.filter(kind=EventKind.DECLINED, internal=False).order_by(
                "-at", "-pk"
            ),
            to_attr="public_declines",
        ),
    )


def published_answer(feedback: Feedback) -> Answer | None:
    """The newest approved (published) answer."""
    prefetched: list[Answer] | None = getattr(feedback, "published_answers", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return (
        feedback.answers.filter(status=AnswerStatus.APPROVED, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def public_title(feedback: Feedback, answer: Answer | None = None) -> str:
    """A title safe to publish (see the module's privacy rule)."""
    answer = answer if answer is not None else published_answer(feedback)
    if answer is not None and answer.public_title:
        return answer.public_title
    if feedback.anonymised_at is None and not holds_personal_data(feedback.title, feedback):
        return feedback.title
    return f"Phản ánh về {feedback.category.name.lower()}"


def public_address(feedback: Feedback) -> str:
    """Address text (when it holds no personal data), residential unit and commune, comma-separated."""
    parts: list[str] = []
    if feedback.address and not holds_personal_data(feedback.address, feedback):
        parts.append(feedback.address)
    if feedback.residential_unit is not None:
        parts.append(feedback.residential_unit.full_name)
    parts.append(feedback.unit.full_name)
    return ", ".join(parts)


def agency_responsible(feedback: Feedback) -> str:
    if feedback.handling_organisation is not None:
        return feedback.handling_organisation.name
    return f"UBND {feedback.handling_unit.full_name}"


def is_overdue(feedback: Feedback, now: datetime | None = None) -> bool:
    return feedback.status in OPEN_STATUSES and feedback.due_at < (now or timezone.now())


def _last_decline(feedback: Feedback) -> FeedbackEvent | None:
    prefetched: list[FeedbackEvent] | None = getattr(feedback, "public_declines", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return feedback.events.filter(kind=EventKind.DECLINED, internal=False).order_by("-at", "-pk").first()


def status_notes(feedback: Feedback, answer: Answer | None = None) -> str:
    """The richer state in Vietnamese behind Open311's open/closed, e.g. "Đang xử lý — chờ duyệt trả lời"."""
    status = feedback.status
    if status == Status.RECEIVED:
        notes = "Đã tiếp nhận — chờ xử lý"
    elif status == Status.IN_PROGRESS:
        notes = "Đang xử lý — đã mở lại theo đề nghị của người gửi" if feedback.reopen_count else "Đang xử lý"
    elif status == Status.AWAITING_APPROVAL:
        notes = "Đang xử lý — chờ duyệt trả lời"
    elif status == Status.ANSWERED:
        answer = answer if answer is not None else published_answer(feedback)
        notes = f"Đã trả lời — {answer.body}" if answer is not None else "Đã trả lời"
    elif status == Status.CLOSED:
        notes = f"Đã đóng — người gửi đánh giá {feedback.rating}/5" if feedback.rating else "Đã đóng"
    else:
        declined = _last_decline(feedback)
        notes = f"Không thụ lý — {declined.message}" if declined and declined.message else "Không thụ lý"
    if is_overdue(feedback):
        notes += " (quá hạn xử lý)"
    if len(notes) > MAX_NOTES:
        notes = notes[: MAX_NOTES - 1].rstrip() + "…"
    return notes


def public_events(feedback: Feedback) -> list[FeedbackEvent]:
    """The citizen-facing timeline (no internal notes, routing or duplicate flags)."""
    return list(feedback.events.filter(internal=False).order_by("at", "pk"))


def public_attachments(feedback: Feedback) -> list[FeedbackAttachment]:
    """Files a handler looked at and allowed to be published (none once the feedback is anonymised)."""
    if feedback.anonymised_at is not None:
        return []
    prefetched: list[FeedbackAttachment] | None = getattr(feedback, "public_files", None)
    if prefetched is not None:
        return prefetched
    return list(feedback.attachments.filter(public=True).select_related("blob").order_by("pk"))


def public_attachment(public_id: str, attachment_id: int) -> FeedbackAttachment | None:
    return (
        FeedbackAttachment.objects.filter(
            feedback__public_id=public_id, pk=attachment_id, public=True, feedback__anonymised_at__isnull=True
        )
        .select_related("blob")
        .first()
    )


def requests_query(
    *,
    ids: Iterable[str] = (),
    service_codes: Iterable[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: Iterable[str] = (),
) -> QuerySet[Feedback]:
    """Feedback for Open311 ``GET requests``: by ids (which overrides every other filter, as the standard
    says), else by service codes, the received date range and open/closed, newest first."""
    queryset = _related().order_by("-received_at", "-pk")
    id_list = [i for i in ids if i]
    if id_list:
        return queryset.filter(public_id__in=id_list)
    codes = [c for c in service_codes if c]
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    if start is not None:
        queryset = queryset.filter(received_at__gte=start)
    if end is not None:
        queryset = queryset.filter(received_at__lte=end)
    wanted = {s for s in statuses if s}
    if wanted == {"open"}:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif wanted == {"closed"}:
        queryset = queryset.exclude(status__in=OPEN_STATUSES)
    return queryset


def mask_name(name: str) -> str:
    """ "Nguyễn Thị Hoà" → "N. T. H." (initials only)."""
    return " ".join(f"{word[0]}." for word in name.split() if word)


def mask_phone(phone: str) -> str:
    """ "0912345678" → "09******78"."""
    if len(phone) < 6:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]


def mask_email(email: str) -> str:
    """ "hoa@example.vn" → "h**@example.vn"."""
    local, _, domain = email.partition("@")
    if not domain:
        return ""
    return f"{local[:1]}{'*' * max(len(local) - 1, 2)}@{domain}"


def masked_reporter(feedback: Feedback) -> dict[str, Any]:
    """The sender's details, masked, for the citizen's own tracking view (nothing after anonymisation)."""
    return {
        "name": mask_name(feedback.reporter_name),
        "phone": mask_phone(feedback.reporter_phone) if feedback.reporter_phone else "",
        "email": mask_email(feedback.reporter_email) if feedback.reporter_email else "",
    }
