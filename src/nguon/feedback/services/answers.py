"""Answers: drafted by a handler, submitted, approved (or returned) by an approver; approval publishes the
answer on the portal, notifies the citizen, and — when chosen — turns it into a bulletin for commune
radio. The citizen then rates the result or reopens the feedback from the tracking page.

A published answer never carries the sender's personal data: approval refuses an answer whose text holds
the sender's name, phone number or e-mail address.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from nguon.content.choices import Channel as ContentChannel
from nguon.content.choices import TargetScope
from nguon.content.models import Bulletin, Category
from nguon.content.services import workflow
from nguon.content.services.bulletins import BulletinInput, create_bulletin
from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.core.text import fold, nfc
from nguon.feedback.choices import AnswerStatus, EventKind, Status
from nguon.feedback.models import Answer, Feedback
from nguon.feedback.services.antiabuse import normalise_phone
from nguon.feedback.services.events import add_event
from nguon.feedback.services.handling import locked, require_handler
from nguon.units.choices import UnitLevel

log = logging.getLogger(__name__)

MAX_ANSWER = 10_000
#: The content category answers go out under when aired (NĐ 49/2024: the local government's work).
AIRING_CATEGORY = "lanh-dao-dieu-hanh"
#: A citizen may reopen an answered feedback this long after the answer, at most this many times.
REOPEN_WITHIN = timedelta(days=30)
MAX_REOPEN = 2


def _answer_fields(answer: Answer) -> dict[str, Any]:
    return audit.snapshot(answer, ("feedback", "status", "air_on_radio", "published_at", "bulletin"))


def personal_data_in(text: str, feedback: Feedback) -> list[str]:
    """Which of the sender's personal data ``text`` contains (name, phone, e-mail), for the approver."""
    found: list[str] = []
    folded = fold(text)
    name = fold(feedback.reporter_name)
    if name and len(name) >= 5 and name in folded:
        found.append("họ tên người gửi")
    phone = feedback.reporter_phone
    if phone and (phone in normalise_phone(text) or phone[1:] in normalise_phone(text)):
        found.append("số điện thoại người gửi")
    if feedback.reporter_email and feedback.reporter_email.lower() in text.lower():
        found.append("thư điện tử người gửi")
    return found


def draft_answer(
    *, actor: Any, feedback: Feedback, body: str, public_title: str = "", air_on_radio: bool = False
) -> Answer:
    """Write (or rewrite) the current draft answer."""
    require_handler(actor, feedback)
    body = nfc(body or "")
    if len(body) < 10:
        raise ValidationError({"body": "Nội dung trả lời cần ít nhất 10 ký tự."})
    if len(body) > MAX_ANSWER:
        raise ValidationError({"body": f"Nội dung trả lời dài quá {MAX_ANSWER} ký tự."})
    public_title = nfc(public_title or "")[:200]
    with transaction.atomic():
        feedback = locked(feedback)
        if feedback.status not in (Status.RECEIVED, Status.IN_PROGRESS):
            raise ValidationError("Chỉ soạn trả lời khi phản ánh đang được xử lý.")
        answer = feedback.answers.filter(status__in=[AnswerStatus.DRAFT, AnswerStatus.RETURNED]).last()
        if answer is None:
            answer = Answer(feedback=feedback, drafted_by=actor if getattr(actor, "pk", None) else None)
        answer.body = body
        answer.public_title = public_title or feedback.title
        answer.air_on_radio = air_on_radio
        answer.status = AnswerStatus.DRAFT
        answer.save()
        if feedback.status == Status.RECEIVED:
            feedback.status = Status.IN_PROGRESS
            feedback.save(update_fields=["status", "updated_at"])
        add_event(feedback=feedback, kind=EventKind.ANSWER_DRAFTED, actor=actor, message="Soạn bản trả lời.")
        audit.record(
            actor=actor,
            action="feedback.answer.draft",
            target=answer,
            unit=feedback.handling_unit,
            after=_answer_fields(answer),
        )
    return answer


def submit_answer(*, actor: Any, answer: Answer) -> Answer:
    """Send the draft to the approvers."""
    feedback = answer.feedback
    require_handler(actor, feedback)
    with transaction.atomic():
        feedback = locked(feedback)
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        if answer.status not in (AnswerStatus.DRAFT, AnswerStatus.RETURNED):
            raise ValidationError("Bản trả lời này đã được trình.")
        answer.status = AnswerStatus.SUBMITTED
        answer.save(update_fields=["status", "updated_at"])
        feedback.status = Status.AWAITING_APPROVAL
        feedback.save(update_fields=["status", "updated_at"])
        add_event(
            feedback=feedback, kind=EventKind.ANSWER_SUBMITTED, actor=actor, message="Trình duyệt trả lời."
        )
        audit.record(
            actor=actor,
            action="feedback.answer.submit",
            target=answer,
            unit=feedback.handling_unit,
            after=_answer_fields(answer),
        )
    people = access.people_who_can(
        access.FEEDBACK_APPROVE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
    )
    notify(
        users=people,
        kind="feedback-answer-submitted",
        message=f"Trả lời phản ánh {feedback.public_id} chờ duyệt.",
        url=reverse("feedback:detail", args=[feedback.public_id]),
        exclude=actor,
    )
    return answer


def return_answer(*, actor: Any, answer: Answer, reason: str) -> Answer:
    """Send the answer back to its author with the approver's reason."""
    feedback = answer.feedback
    require_handler(actor, feedback, access.FEEDBACK_APPROVE)
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": "Nêu lý do trả lại."})
    with transaction.atomic():
        feedback = locked(feedback)
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        if answer.status != AnswerStatus.SUBMITTED:
            raise ValidationError("Chỉ trả lại bản trả lời đang chờ duyệt.")
        answer.status = AnswerStatus.RETURNED
        answer.return_reason = reason[:1000]
        answer.save(update_fields=["status", "return_reason", "updated_at"])
        feedback.status = Status.IN_PROGRESS
        feedback.save(update_fields=["status", "updated_at"])
        add_event(feedback=feedback, kind=EventKind.ANSWER_RETURNED, actor=actor, message=reason)
        audit.record(
            actor=actor,
            action="feedback.answer.return",
            target=answer,
            unit=feedback.handling_unit,
            after=_answer_fields(answer),
        )
    if answer.drafted_by is not None:
        notify(
            users=[answer.drafted_by],
            kind="feedback-answer-returned",
            message=f"Trả lời phản ánh {feedback.public_id} bị trả lại: {reason}"[:500],
            url=reverse("feedback:detail", args=[feedback.public_id]),
            exclude=actor,
        )
    return answer


def approve_answer(*, actor: Any, answer: Answer) -> Answer:
    """Approve and publish: the feedback is answered, the citizen is told, and — if chosen — a radio
    bulletin is made from the answer (submitted to the content workflow, approved at once when the approver
    may approve bulletins there)."""
    feedback = answer.feedback
    require_handler(actor, feedback, access.FEEDBACK_APPROVE)
    with transaction.atomic():
        feedback = locked(feedback)
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        if answer.status != AnswerStatus.SUBMITTED:
            raise ValidationError("Chỉ duyệt bản trả lời đang chờ duyệt.")
        found = personal_data_in(f"{answer.public_title}\n{answer.body}", feedback)
        if found:
            raise ValidationError(
                {"body": "Bản trả lời công khai chứa " + ", ".join(found) + ". Hãy bỏ đi rồi trình lại."}
            )
        now = timezone.now()
        answer.status = AnswerStatus.APPROVED
        answer.approved_by = actor if getattr(actor, "pk", None) else None
        answer.published_at = now
        if answer.air_on_radio:
            answer.bulletin = _bulletin_for(actor, feedback, answer)
        answer.save()
        feedback.status = Status.ANSWERED
        feedback.answered_at = now
        feedback.save(update_fields=["status", "answered_at", "updated_at"])
        add_event(
            feedback=feedback,
            kind=EventKind.ANSWER_PUBLISHED,
            actor=actor,
            message=answer.body,
            internal=False,
        )
        if answer.bulletin is not None:
            add_event(
                feedback=feedback,
                kind=EventKind.AIRED,
                actor=actor,
                message="Trả lời được đưa lên đài truyền thanh cơ sở.",
                internal=False,
            )
        audit.record(
            actor=actor,
            action="feedback.answer.approve",
            target=answer,
            unit=feedback.handling_unit,
            after=_answer_fields(answer),
        )
        transaction.on_commit(lambda: notify_citizen(feedback=feedback))
    return answer


def _bulletin_for(actor: Any, feedback: Feedback, answer: Answer) -> Bulletin:
    unit = feedback.handling_unit if feedback.handling_unit.level == UnitLevel.COMMUNE else None
    category = Category.objects.filter(code=AIRING_CATEGORY).first() or Category.objects.first()
    data = BulletinInput(
        title=f"Trả lời phản ánh {feedback.public_id}: {answer.public_title}"[:300],
        category=category,
        body=f"<p>{escape(answer.body)}</p>".replace("\n", "</p><p>"),
        summary=answer.public_title,
        target_scope=TargetScope.COMMUNES,
        targets=[feedback.unit],
        channels=[ContentChannel.RADIO, ContentChannel.PORTAL],
    )
    bulletin = create_bulletin(
        actor=actor,
        data=data,
        unit=unit or feedback.handling_unit,
        organisation=feedback.handling_organisation,
    )
    bulletin = workflow.submit(
        actor=actor, bulletin=bulletin, comment=f"Trả lời phản ánh {feedback.public_id}"
    )
    if workflow.can_approve(actor, bulletin):
        bulletin = workflow.approve(actor=actor, bulletin=bulletin, comment="Duyệt cùng bản trả lời phản ánh")
    return bulletin


def notify_citizen(*, feedback: Feedback) -> bool:
    """Tell the sender their feedback was answered (e-mail when they gave one and asked to be told).
    SMS needs a gateway (not configured here); the tracking page always shows the answer."""
    feedback.refresh_from_db()
    if not feedback.wants_notification or not feedback.reporter_email or feedback.anonymised_at:
        return False
    link = (
        f"{settings.NGUON_PUBLIC_URL.rstrip('/')}{reverse('feedback:track', args=[feedback.tracking_code])}"
    )
    try:
        send_mail(
            subject=f"Phản ánh {feedback.public_id} đã có trả lời",
            message=(
                f"Phản ánh {feedback.public_id} của bạn đã được trả lời.\n"
                f"Xem trả lời và đánh giá kết quả tại: {link}\n"
            ),
            from_email=None,
            recipient_list=[feedback.reporter_email],
        )
    except OSError:
        log.warning("feedback %s: e-mail to the sender failed", feedback.public_id)
        return False
    with transaction.atomic():
        add_event(
            feedback=feedback, kind=EventKind.CITIZEN_NOTIFIED, message="Đã gửi thư điện tử báo kết quả."
        )
    return True


def rate(*, feedback: Feedback, rating: int, comment: str = "") -> Feedback:
    """The citizen (holding the tracking code) rates the answer 1–5; the feedback is closed."""
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Chọn mức hài lòng từ 1 đến 5."})
    with transaction.atomic():
        feedback = locked(feedback)
        if feedback.status != Status.ANSWERED:
            raise ValidationError("Chỉ đánh giá được khi phản ánh đã có trả lời.")
        feedback.rating = rating
        feedback.rating_comment = nfc(comment or "")[:1000]
        feedback.status = Status.CLOSED
        feedback.closed_at = timezone.now()
        feedback.save(update_fields=["rating", "rating_comment", "status", "closed_at", "updated_at"])
        add_event(
            feedback=feedback,
            kind=EventKind.RATED,
            message=f"Người gửi đánh giá {rating}/5.",
            internal=False,
        )
        audit.record(
            actor=access.SystemActor("citizen"),
            action="feedback.rate",
            target=feedback,
            unit=feedback.handling_unit,
            after={"rating": rating},
        )
    return feedback


def reopen(*, feedback: Feedback, reason: str) -> Feedback:
    """The citizen is not satisfied: back to the handlers, with a fresh deadline from the category."""
    reason = nfc(reason or "")
    if len(reason) < 10:
        raise ValidationError({"reason": "Cho biết vì sao chưa hài lòng (ít nhất 10 ký tự)."})
    with transaction.atomic():
        feedback = locked(feedback)
        if feedback.status not in (Status.ANSWERED, Status.CLOSED) or feedback.answered_at is None:
            raise ValidationError("Chỉ mở lại được phản ánh đã có trả lời.")
        if feedback.reopen_count >= MAX_REOPEN:
            raise ValidationError(f"Phản ánh đã được mở lại {MAX_REOPEN} lần.")
        if timezone.now() - feedback.answered_at > REOPEN_WITHIN:
            raise ValidationError("Đã quá 30 ngày kể từ khi trả lời; vui lòng gửi phản ánh mới.")
        now = timezone.now()
        feedback.status = Status.IN_PROGRESS
        feedback.reopen_count += 1
        feedback.closed_at = None
        feedback.due_at = now + timedelta(days=feedback.category.deadline_days)
        feedback.reminded_at = None
        feedback.escalated_at = None
        feedback.save()
        add_event(feedback=feedback, kind=EventKind.REOPENED, message=reason, internal=False)
        audit.record(
            actor=access.SystemActor("citizen"),
            action="feedback.reopen",
            target=feedback,
            unit=feedback.handling_unit,
            after={"reopen_count": feedback.reopen_count},
        )
    people = access.people_who_can(
        access.FEEDBACK_HANDLE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
    )
    notify(
        users=people,
        kind="feedback-reopened",
        message=f"Người gửi mở lại phản ánh {feedback.public_id}.",
        url=reverse("feedback:detail", args=[feedback.public_id]),
    )
    return feedback
