"""The handlers' screens: the queue, the detail with personal data and files, every action through the
views, bad input and the 404 an outsider gets on every page and action."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nguon.feedback.choices import AnswerStatus, Channel, EventKind, Status
from nguon.feedback.models import Answer, Feedback, FeedbackCategory
from nguon.feedback.services import answers, handling
from nguon.feedback.tests.fixtures import OTHER_COMMUNE, commune, submit

pytestmark = pytest.mark.django_db

BODY = "Xã đã bố trí xe thu gom rác tại đầu thôn Nà Mỵ từ ngày 28/11, hai lần mỗi tuần."


def png() -> bytes:
    """A real 2×2 PNG (checked by content on upload)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def sign_in(client: Any) -> Callable[..., Any]:
    def do(user: Any) -> Any:
        client.logout()
        client.force_login(user)
        session = client.session
        session["nguon_2fa_user"] = user.pk  # a TOTP-verified session
        session.save()
        return client

    return do


def _url(name: str, feedback: Feedback, *args: Any) -> str:
    return reverse(f"feedback:{name}", args=[feedback.public_id, *args])


def test_queue_lists_only_feedback_in_scope_and_marks_overdue_and_duplicates(
    sign_in: Any, handler: Any
) -> None:
    mine = submit()
    twin = submit(ip_address="198.51.100.9")
    assert twin.possible_duplicate_of == mine
    elsewhere = submit(unit=commune(OTHER_COMMUNE), description="Đèn đường ở tổ 5 phường bị hỏng cả tuần.")
    Feedback.objects.filter(pk=mine.pk).update(due_at=timezone.now() - timedelta(hours=1))
    page = sign_in(handler).get(reverse("feedback:queue"))
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.public_id in html
    assert twin.public_id in html
    assert elsewhere.public_id not in html
    assert f'data-public-id="{mine.public_id}" class="overdue" data-overdue="1"' in html
    assert "Có thể trùng" in html
    only_late = sign_in(handler).get(reverse("feedback:queue"), {"overdue": "on"}).content.decode()
    assert mine.public_id in only_late
    assert twin.public_id not in only_late
    by_channel = sign_in(handler).get(reverse("feedback:queue"), {"channel": Channel.PHONE}).content.decode()
    assert mine.public_id not in by_channel


def test_outsider_gets_404_on_detail_files_and_every_action(
    sign_in: Any, outsider: Any, handler: Any
) -> None:
    photo = SimpleUploadedFile("bai-rac.png", png(), content_type="image/png")
    feedback = submit(uploads=[photo])
    attachment = feedback.attachments.get()
    client = sign_in(outsider)
    assert client.get(_url("detail", feedback)).status_code == 404
    assert client.get(_url("staff-file", feedback, attachment.pk)).status_code == 404
    for name in ("accept", "assign", "note", "transfer", "decline", "answer-draft", "answer-submit"):
        assert client.post(_url(name, feedback), {"text": "x", "reason": "x"}).status_code == 404, name
    assert client.post(_url("file-public", feedback, attachment.pk), {"public": "on"}).status_code == 404
    assert not feedback.events.filter(kind=EventKind.NOTE).exists()
    assert client.get(reverse("feedback:queue")).status_code == 200  # an editor elsewhere has an empty queue
    assert feedback.public_id not in client.get(reverse("feedback:queue")).content.decode()


def test_detail_shows_personal_data_files_and_internal_timeline(sign_in: Any, handler: Any) -> None:
    photo = SimpleUploadedFile("bai-rac.png", png(), content_type="image/png")
    feedback = submit(uploads=[photo], latitude="21.9", longitude="105.64")
    handling.add_note(actor=handler, feedback=feedback, text="Đã gọi điện cho trưởng thôn.")
    client = sign_in(handler)
    html = client.get(_url("detail", feedback)).content.decode()
    for text in (
        "Nguyễn Thị Hoà",
        "0912345678",
        "hoa@example.vn",
        "Đã gọi điện cho trưởng thôn.",
        "21.900000",
    ):
        assert text in html
    attachment = feedback.attachments.get()
    served = client.get(_url("staff-file", feedback, attachment.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_handler_accepts_assigns_notes_and_transfers(sign_in: Any, handler: Any, make_user: Any) -> None:
    from nguon.accounts.choices import Role

    colleague = make_user(Role.COMMUNE_EDITOR, unit=commune())
    colleague.full_name = "Lò Văn Minh"
    colleague.save()
    feedback = submit()
    client = sign_in(handler)
    response = client.post(_url("accept", feedback), follow=True)
    assert "Đã nhận xử lý phản ánh" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Status.IN_PROGRESS
    assert feedback.assignee == handler

    client.post(_url("assign", feedback), {"assignee": colleague.pk})
    feedback.refresh_from_db()
    assert feedback.assignee == colleague

    empty = client.post(_url("note", feedback), {"text": ""})
    assert empty.status_code == 422
    assert "Ghi chú đang trống." in empty.content.decode()
    client.post(_url("note", feedback), {"text": "Hẹn kiểm tra hiện trường thứ Hai."})
    assert feedback.events.filter(kind=EventKind.NOTE, internal=True).count() == 1

    no_reason = client.post(_url("transfer", feedback), {"unit": commune(OTHER_COMMUNE).pk, "reason": ""})
    assert no_reason.status_code == 422
    assert "Nêu lý do chuyển." in no_reason.content.decode()
    moved = client.post(
        _url("transfer", feedback),
        {"unit": commune(OTHER_COMMUNE).pk, "reason": "Địa điểm thuộc phường bên."},
    )
    assert moved.status_code == 302
    assert moved["Location"] == reverse("feedback:queue")
    feedback.refresh_from_db()
    assert feedback.handling_unit == commune(OTHER_COMMUNE)
    assert client.get(_url("detail", feedback)).status_code == 404  # now outside the handler's scope


def test_decline_needs_an_approver_and_a_reason(sign_in: Any, handler: Any, approver: Any) -> None:
    feedback = submit()
    assert sign_in(handler).post(_url("decline", feedback), {"reason": "Trùng"}).status_code == 404
    client = sign_in(approver)
    blank = client.post(_url("decline", feedback), {"reason": ""})
    assert blank.status_code == 422
    assert "Cần ghi lý do." in blank.content.decode()
    client.post(_url("decline", feedback), {"reason": "Trùng với phản ánh đã trả lời."})
    feedback.refresh_from_db()
    assert feedback.status == Status.DECLINED


def test_answer_is_drafted_submitted_returned_then_approved(
    sign_in: Any, handler: Any, approver: Any
) -> None:
    feedback = submit()
    client = sign_in(handler)
    short = client.post(_url("answer-draft", feedback), {"body": "ngắn", "public_title": ""})
    assert short.status_code == 422
    assert "Nội dung trả lời cần ít nhất 10 ký tự." in short.content.decode()
    assert not Answer.objects.exists()
    client.post(_url("answer-draft", feedback), {"body": BODY, "public_title": "Thu gom rác Nà Mỵ"})
    answer = Answer.objects.get()
    assert answer.status == AnswerStatus.DRAFT
    client.post(_url("answer-submit", feedback))
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SUBMITTED
    assert client.post(_url("answer-approve", feedback)).status_code == 404  # editors do not approve

    client = sign_in(approver)
    page = client.get(_url("detail", feedback)).content.decode()
    assert "Duyệt và công bố" in page
    assert "Cảnh báo" not in page
    client.post(_url("answer-return", feedback), {"reason": "Ghi rõ lịch thu gom."})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.RETURNED

    client = sign_in(handler)
    client.post(_url("answer-draft", feedback), {"body": BODY + " Lịch: thứ Ba và thứ Sáu.", "submit": "1"})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SUBMITTED

    response = sign_in(approver).post(_url("answer-approve", feedback), follow=True)
    assert "Đã duyệt và công bố trả lời" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED


def test_approver_is_warned_about_personal_data_and_approval_is_refused(
    sign_in: Any, handler: Any, approver: Any
) -> None:
    feedback = submit()
    answer = answers.draft_answer(
        actor=handler, feedback=feedback, body=f"Gửi bà Nguyễn Thị Hoà (0912 345 678): {BODY}"
    )
    answers.submit_answer(actor=handler, answer=answer)
    client = sign_in(approver)
    page = client.get(_url("detail", feedback)).content.decode()
    assert "Cảnh báo: bản trả lời công khai chứa" in page
    assert "họ tên người gửi" in page
    assert "số điện thoại người gửi" in page
    refused = client.post(_url("answer-approve", feedback))
    assert refused.status_code == 422
    assert "Bản trả lời công khai chứa" in refused.content.decode()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SUBMITTED


def test_a_photo_is_published_but_not_an_audio_recording(sign_in: Any, handler: Any) -> None:
    photo = SimpleUploadedFile("bai-rac.png", png(), content_type="image/png")
    feedback = submit(uploads=[photo])
    attachment = feedback.attachments.get()
    client = sign_in(handler)
    client.post(_url("file-public", feedback, attachment.pk), {"public": "on"})
    attachment.refresh_from_db()
    assert attachment.public
    client.post(_url("file-public", feedback, attachment.pk), {})
    attachment.refresh_from_db()
    assert not attachment.public


def test_staff_entry_by_phone_and_its_bad_input(sign_in: Any, handler: Any, outsider: Any) -> None:
    category = FeedbackCategory.objects.get(code="moi-truong")
    client = sign_in(handler)
    assert client.get(reverse("feedback:staff-entry")).status_code == 200
    bad = client.post(
        reverse("feedback:staff-entry"),
        {
            "channel": Channel.PHONE,
            "category": category.pk,
            "unit": commune().pk,
            "description": "ngắn",
            "reporter_phone": "12ab",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Nội dung cần ít nhất 10 ký tự." in html
    assert "Số điện thoại không hợp lệ" in html
    assert not Feedback.objects.exists()
    outside = client.post(
        reverse("feedback:staff-entry"),
        {
            "channel": Channel.PHONE,
            "category": category.pk,
            "unit": commune(OTHER_COMMUNE).pk,
            "description": BODY,
        },
    )
    assert outside.status_code == 422
    assert "Bạn không tiếp nhận phản ánh cho xã, phường này." in outside.content.decode()
    done = client.post(
        reverse("feedback:staff-entry"),
        {
            "channel": Channel.HOTLINE,
            "category": category.pk,
            "unit": commune().pk,
            "description": "Người dân gọi đường dây nóng báo cống thoát nước tắc ở chợ Chu.",
            "reporter_name": "Hoàng Văn Tư",
            "reporter_phone": "0987 654 321",
            "wants_notification": "on",
            "uploads": [SimpleUploadedFile("cong.png", png(), content_type="image/png")],
        },
    )
    feedback = Feedback.objects.get()
    assert done.status_code == 302
    assert done["Location"] == _url("detail", feedback)
    assert feedback.channel == Channel.HOTLINE
    assert feedback.entered_by == handler
    assert feedback.reporter_phone == "0987654321"
    assert feedback.attachments.count() == 1
    assert sign_in(outsider).get(reverse("feedback:staff-entry")).status_code == 200  # their own communes


def test_staff_entry_refuses_a_mislabelled_file_and_stores_nothing(sign_in: Any, handler: Any) -> None:
    fake = SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", content_type="image/png")
    response = sign_in(handler).post(
        reverse("feedback:staff-entry"),
        {
            "channel": Channel.IN_PERSON,
            "category": FeedbackCategory.objects.get(code="moi-truong").pk,
            "unit": commune().pk,
            "description": BODY,
            "uploads": [fake],
        },
    )
    assert response.status_code in (400, 415, 422)
    assert not Feedback.objects.exists()


def test_people_without_feedback_roles_get_404(sign_in: Any, make_user: Any) -> None:
    from nguon.accounts.choices import Role

    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune())
    client = sign_in(operator)
    for name in ("queue", "staff-entry", "settings"):
        assert client.get(reverse(f"feedback:{name}")).status_code == 404, name
