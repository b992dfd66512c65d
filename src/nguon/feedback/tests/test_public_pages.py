"""The citizen's tracking page (masked personal data, the public timeline, the answer, rating and reopening)
and the published answers (no personal data at all, filters, pagination, released photos only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nguon.content.services.attachments import clean_name, stored_blob
from nguon.feedback.choices import Status
from nguon.feedback.models import Feedback, FeedbackAttachment, FeedbackCategory
from nguon.feedback.services import handling
from nguon.feedback.tests.fixtures import OTHER_COMMUNE, commune, submit
from nguon.feedback.tests.test_public_form import answer_it, png_bytes

pytestmark = pytest.mark.django_db

PERSONAL = ("Nguyễn Thị Hoà", "0912345678", "0912 345 678", "hoa@example.vn")


def track_url(feedback: Feedback) -> str:
    return reverse("feedback:track", args=[feedback.tracking_code])


def test_the_tracking_page_shows_the_status_and_masked_sender_only(client: Client, handler: Any) -> None:
    feedback = submit()
    handling.add_note(actor=handler, feedback=feedback, text="Ghi chú nội bộ: gọi lại cho bà Hoà.")
    response = client.get(track_url(feedback))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Phản ánh {feedback.public_id}" in html
    assert "Đã tiếp nhận" in html
    assert "Hạn trả lời" in html
    for value in PERSONAL:
        assert value not in html
    assert "Ghi chú nội bộ" not in html  # internal events stay internal
    assert "Chuyển " not in html  # routing is internal too
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "Gửi đánh giá" not in html  # nothing to rate yet


def test_an_unknown_tracking_code_is_a_404_in_vietnamese(client: Client) -> None:
    response = client.get(reverse("feedback:track", args=["khong-co-ma-nay"]))
    assert response.status_code == 404
    assert "Không tìm thấy phản ánh" in response.content.decode()


def test_the_answer_shows_then_the_citizen_rates_it(client: Client, handler: Any, approver: Any) -> None:
    feedback = submit()
    answer_it(feedback, handler, approver)
    html = client.get(track_url(feedback)).content.decode()
    assert "Trả lời chính thức" in html
    assert "Xã đã bố trí xe thu gom rác" in html
    assert "Gửi đánh giá" in html
    assert "Đề nghị xem xét lại" in html

    refused = client.post(reverse("feedback:track_rate", args=[feedback.tracking_code]), {"rating": "9"})
    assert refused.status_code == 400
    assert "Chọn mức hài lòng từ 1 đến 5." in refused.content.decode()

    done = client.post(
        reverse("feedback:track_rate", args=[feedback.tracking_code]), {"rating": "4", "comment": "Đã sạch"}
    )
    assert done.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.rating, feedback.rating_comment) == (Status.CLOSED, 4, "Đã sạch")
    html = client.get(track_url(feedback)).content.decode()
    assert "Cảm ơn bạn đã đánh giá" in html
    assert "4/5 — Đã sạch" in html
    assert "Gửi đánh giá" not in html


def test_the_citizen_reopens_an_answered_feedback(client: Client, handler: Any, approver: Any) -> None:
    feedback = submit()
    answer_it(feedback, handler, approver)
    url = reverse("feedback:track_reopen", args=[feedback.tracking_code])
    short = client.post(url, {"reason": "Chưa"})
    assert short.status_code == 400
    assert "ít nhất 10 ký tự" in short.content.decode()
    assert client.post(url, {"reason": "Rác lại bị đổ ra sau hai ngày."}).status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reopen_count) == (Status.IN_PROGRESS, 1)
    html = client.get(track_url(feedback)).content.decode()
    assert "Mở lại" in html
    assert "Rác lại bị đổ ra sau hai ngày." in html
    assert "Đang xử lý" in html


def test_rating_an_unanswered_feedback_is_refused(client: Client) -> None:
    feedback = submit()
    response = client.post(reverse("feedback:track_rate", args=[feedback.tracking_code]), {"rating": "5"})
    assert response.status_code == 400
    assert "Chỉ đánh giá được khi phản ánh đã có trả lời." in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.rating is None


def test_published_answers_carry_no_personal_data(client: Client, handler: Any, approver: Any) -> None:
    feedback = submit(title="Bãi rác Nà Mỵ")
    unpublished = submit(description="Đèn đường thôn Bản Lanh hỏng đã hai tuần, đề nghị sửa.")
    answer_it(feedback, handler, approver)
    listing = client.get(reverse("feedback:answers"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Thu gom bãi rác đầu thôn Nà Mỵ" in html
    assert "Xã Định Hóa" in html
    assert unpublished.public_id not in html
    page = client.get(reverse("feedback:answer", args=[feedback.public_id]))
    assert page.status_code == 200
    detail = page.content.decode()
    assert "Xã đã bố trí xe thu gom rác" in detail
    for value in (*PERSONAL, "Ng…", "09••", "N. T. H.", "09*", "h**@"):
        assert value not in html
        assert value not in detail
    assert feedback.description not in detail  # the citizen's own text is not published
    assert feedback.tracking_code not in detail
    assert client.get(reverse("feedback:answer", args=[unpublished.public_id])).status_code == 404


def test_answers_are_filtered_by_commune_and_category_and_paginated(
    client: Client, handler: Any, approver: Any, make_user: Any
) -> None:
    other_handler = make_user("commune_editor", unit=commune(OTHER_COMMUNE))
    other_approver = make_user("commune_approver", unit=commune(OTHER_COMMUNE))
    roads = FeedbackCategory.objects.get(code="giao-thong")
    here = submit()
    there = submit(unit=commune(OTHER_COMMUNE), category=roads, ip_address="203.0.113.9")
    answer_it(here, handler, approver)
    answer_it(there, other_handler, other_approver, public_title="Sửa đường liên thôn")
    url = reverse("feedback:answers")
    by_commune = client.get(url, {"commune": OTHER_COMMUNE}).content.decode()
    assert "Sửa đường liên thôn" in by_commune
    assert "Thu gom bãi rác" not in by_commune
    by_category = client.get(url, {"category": "moi-truong"}).content.decode()
    assert "Thu gom bãi rác" in by_category
    assert "Sửa đường liên thôn" not in by_category
    paged = client.get(url, {"page": "99"}).content.decode()  # past the end: the last page
    assert "Thu gom bãi rác" in paged


def test_only_released_photos_of_published_answers_are_served(
    client: Client, handler: Any, approver: Any
) -> None:
    photo = SimpleUploadedFile("nha-ba-hoa.png", png_bytes(), content_type="image/png")
    feedback = submit(uploads=[photo])
    attachment = feedback.attachments.get()
    url = reverse("feedback:answer_photo", args=[feedback.public_id, attachment.pk])
    answer_it(feedback, handler, approver)
    assert client.get(url).status_code == 404  # not released
    FeedbackAttachment.objects.filter(pk=attachment.pk).update(public=True)  # a handler releases it
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    detail = client.get(reverse("feedback:answer", args=[feedback.public_id])).content.decode()
    assert url in detail
    assert "nha-ba-hoa" not in detail  # file names are not shown
    assert (
        client.get(reverse("feedback:answer_photo", args=["2000-000001", attachment.pk])).status_code == 404
    )


def test_a_released_photo_of_an_unanswered_feedback_is_not_served(client: Client) -> None:
    feedback = submit()
    with stored_blob(SimpleUploadedFile("a.png", png_bytes(3), content_type="image/png")) as blob:
        attachment = FeedbackAttachment.objects.create(
            feedback=feedback, blob=blob, name=clean_name("a.png", blob), public=True
        )
    url = reverse("feedback:answer_photo", args=[feedback.public_id, attachment.pk])
    assert client.get(url).status_code == 404
