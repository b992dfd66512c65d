"""The spine of feedback handling: intake, routing, answer approval, citizen rating and reopening."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.core.access import SYSTEM
from nguon.feedback.choices import AnswerStatus, Channel, EventKind, Status
from nguon.feedback.models import Feedback, FeedbackCategory, RoutingRule
from nguon.feedback.services import answers, handling
from nguon.feedback.tests.fixtures import OTHER_COMMUNE, commune, submit
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_public_feedback_is_received_routed_and_numbered() -> None:
    feedback = submit()
    assert feedback.status == Status.RECEIVED
    assert feedback.public_id == f"{feedback.received_at.year}-{feedback.pk:06d}"
    assert feedback.handling_unit == commune()
    assert feedback.reporter_phone == "0912345678"
    assert feedback.title.startswith("Bãi rác tự phát")
    days = FeedbackCategory.objects.get(code="moi-truong").deadline_days
    assert (feedback.due_at - feedback.received_at).days == days
    kinds = list(feedback.events.values_list("kind", "internal"))
    assert kinds == [(EventKind.RECEIVED, False), (EventKind.ROUTED, True)]


def test_bad_input_names_every_problem_and_stores_nothing() -> None:
    province = AdministrativeUnit.objects.get(code="19", level="province", is_current=True)
    with pytest.raises(ValidationError) as error:
        submit(description="ngắn", unit=province, reporter_phone="12ab", reporter_email="không-phải-email")
    assert set(error.value.message_dict) == {"description", "unit", "reporter_phone", "reporter_email"}
    assert not Feedback.objects.exists()


def test_the_most_specific_routing_rule_wins() -> None:
    province = AdministrativeUnit.objects.get(code="19", level="province", is_current=True)
    other = commune(OTHER_COMMUNE)
    RoutingRule.objects.create(category=None, unit=province, handling_unit=province)
    RoutingRule.objects.create(
        category=FeedbackCategory.objects.get(code="moi-truong"), unit=commune(), handling_unit=other
    )
    assert submit().handling_unit == other
    assert submit(category=FeedbackCategory.objects.get(code="giao-thong")).handling_unit == province


def test_staff_entry_needs_a_handler_of_the_place(handler: Any, outsider: Any) -> None:
    feedback = submit(channel=Channel.PHONE, actor=handler)
    assert feedback.entered_by == handler
    with pytest.raises(Http404):
        submit(channel=Channel.PHONE, actor=outsider)


def test_answer_is_approved_published_and_rated(handler: Any, approver: Any) -> None:
    feedback = submit()
    handling.accept(actor=handler, feedback=feedback)
    answer = answers.draft_answer(
        actor=handler,
        feedback=feedback,
        body="Xã đã bố trí xe thu gom rác tại đầu thôn Nà Mỵ từ ngày 28/11.",
        public_title="Thu gom bãi rác đầu thôn Nà Mỵ",
        air_on_radio=True,
    )
    answers.submit_answer(actor=handler, answer=answer)
    with pytest.raises(Http404):  # an editor cannot approve
        answers.approve_answer(actor=handler, answer=answer)
    answer = answers.approve_answer(actor=approver, answer=answer)
    feedback.refresh_from_db()
    assert answer.status == AnswerStatus.APPROVED
    assert feedback.status == Status.ANSWERED
    assert answer.bulletin is not None
    assert "Nguyễn Thị Hoà" not in answer.bulletin.body
    answers.rate(feedback=feedback, rating=4, comment="Đã sạch")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.rating) == (Status.CLOSED, 4)
    answers.reopen(feedback=feedback, reason="Rác lại bị đổ ra sau hai ngày.")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reopen_count) == (Status.IN_PROGRESS, 1)


def test_an_answer_holding_the_senders_personal_data_is_refused(handler: Any, approver: Any) -> None:
    feedback = submit()
    answer = answers.draft_answer(
        actor=handler, feedback=feedback, body="Gửi bà Nguyễn Thị Hoà (0912.345.678): xã đã thu gom rác."
    )
    answers.submit_answer(actor=handler, answer=answer)
    with pytest.raises(ValidationError) as error:
        answers.approve_answer(actor=approver, answer=answer)
    assert "họ tên người gửi" in str(error.value)
    assert "số điện thoại người gửi" in str(error.value)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SUBMITTED


def test_other_communes_cannot_touch_it(outsider: Any) -> None:
    feedback = submit()
    with pytest.raises(Http404):
        handling.add_note(actor=outsider, feedback=feedback, text="Không phải việc của tôi")
    assert SYSTEM  # the system actor may always act (CLI, tasks)
    handling.add_note(actor=SYSTEM, feedback=feedback, text="Ghi chú của hệ thống")
    assert feedback.events.filter(kind=EventKind.NOTE, internal=True).count() == 1
