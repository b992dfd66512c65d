"""Demo feedback: citizens' feedback for Xã Định Hóa and Phường Phan Đình Phùng in several states
(received, in progress with a note, awaiting approval, answered and aired, closed with a rating,
declined, overdue), written through the feedback services by the communes' own people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from nguon.accounts.models import User
from nguon.core import access
from nguon.demo.data import COMMUNE, OTHER_COMMUNE
from nguon.feedback.choices import Channel
from nguon.feedback.models import Feedback, FeedbackCategory
from nguon.feedback.services import answers, handling
from nguon.feedback.services.intake import FeedbackInput, submit_feedback
from nguon.units.models import AdministrativeUnit

CITIZEN = access.SystemActor("demo citizen")

#: (commune, category, description, name, phone, channel, what happens next)
ITEMS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        COMMUNE,
        "moi-truong",
        "Bãi rác tự phát ở đầu thôn Bãi Á bốc mùi, đề nghị xã cho thu gom.",
        "Nguyễn Thị Hoà",
        "0912345678",
        Channel.WEB,
        "received",
    ),
    (
        COMMUNE,
        "giao-thong",
        "Đường vào tổ dân phố Trung Kiên có ổ gà lớn sau mưa, xe máy dễ ngã.",
        "Hà Văn Lâm",
        "0987111222",
        Channel.PHONE,
        "note",
    ),
    (
        COMMUNE,
        "moi-truong",
        "Cống thoát nước ở chợ Chu tắc, nước tràn ra đường khi mưa to.",
        "",
        "",
        Channel.WEB,
        "submitted",
    ),
    (
        COMMUNE,
        "giao-thong",
        "Đèn chiếu sáng trên cầu Chợ Chu tắt nhiều đêm liền, đi lại nguy hiểm.",
        "Ma Văn Khánh",
        "0966333444",
        Channel.HOTLINE,
        "aired",
    ),
    (
        COMMUNE,
        "moi-truong",
        "Khói đốt rơm rạ ở cánh đồng Làng Quặng gây khó thở cho khu dân cư.",
        "",
        "",
        Channel.WEB,
        "closed",
    ),
    (
        COMMUNE,
        "giao-thong",
        "Đề nghị làm đường cao tốc qua xã để đi Hà Nội nhanh hơn.",
        "",
        "",
        Channel.WEB,
        "declined",
    ),
    (
        OTHER_COMMUNE,
        "moi-truong",
        "Rác thải ở chợ phường chưa được thu gom đúng giờ, mùi hôi cả khu phố.",
        "Trần Thị Mai",
        "0905555666",
        Channel.WEB,
        "overdue",
    ),
)
ANSWER = "UBND xã đã kiểm tra hiện trường và giao tổ công tác khắc phục trong tuần này. Cảm ơn bà con."


def _person(username: str) -> User:
    user = User.objects.get(username=username)
    user.is_2fa_verified = True  # the demo loader acts for the person, as after a TOTP sign-in
    return user


def _answer(editor: User, approver: User, feedback: Feedback, *, approve: bool, air: bool = False) -> None:
    answer = answers.draft_answer(
        actor=editor,
        feedback=feedback,
        body=ANSWER,
        public_title=f"Trả lời: {feedback.title}"[:200],
        air_on_radio=air,
    )
    answers.submit_answer(actor=editor, answer=answer)
    if approve:
        answers.approve_answer(actor=approver, answer=answer)


def load_feedback(*, say: Callable[[str], None] = lambda _: None) -> None:
    editor, approver = _person("dinhhoa.bientap"), _person("dinhhoa.pheduyet")
    made = 0
    for code, category, text, name, phone, channel, state in ITEMS:
        if Feedback.objects.filter(description=text).exists():
            continue
        unit = AdministrativeUnit.objects.get(code=code, level="commune", is_current=True)
        actor: Any = editor if channel in (Channel.PHONE, Channel.HOTLINE) else CITIZEN
        feedback = submit_feedback(
            actor=actor,
            data=FeedbackInput(
                category=FeedbackCategory.objects.get(code=category),
                description=text,
                unit=unit,
                reporter_name=name,
                reporter_phone=phone,
            ),
            channel=channel,
            ip_address="" if actor is editor else f"203.0.113.{made + 10}",
        )
        made += 1
        if state == "note":
            handling.accept(actor=editor, feedback=feedback)
            handling.add_note(actor=editor, feedback=feedback, text="Đã báo tổ trưởng tổ dân phố kiểm tra.")
        elif state in ("submitted", "aired", "closed"):
            _answer(editor, approver, feedback, approve=state != "submitted", air=state == "aired")
            if state == "closed":
                answers.rate(feedback=feedback, rating=4, comment="Đã đỡ nhiều.")
        elif state == "declined":
            handling.decline(
                actor=approver,
                feedback=feedback,
                reason="Không thuộc thẩm quyền của xã; đã hướng dẫn người gửi.",
            )
        elif state == "overdue":
            Feedback.objects.filter(pk=feedback.pk).update(due_at=timezone.now() - timedelta(days=1))
    say(f"Demo feedback: {made} new")
