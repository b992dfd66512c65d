"""The public feedback form (/feedback/): a citizen sends feedback with a photo; bad input, bad files, bots
and floods are refused in Vietnamese with the right status, and nothing is stored when refused."""

from __future__ import annotations

import re
import struct
import time
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nguon.content.models import MediaBlob
from nguon.feedback.choices import Channel, Status
from nguon.feedback.forms.public import make_stamp
from nguon.feedback.models import Feedback, FeedbackAttachment, SubmissionMark
from nguon.feedback.services import answers
from nguon.feedback.tests.fixtures import DINH_HOA

pytestmark = pytest.mark.django_db

URL = "/feedback/"
NAME, PHONE, EMAIL = "Nguyễn Thị Hoà", "0912 345 678", "hoa@example.vn"


def png_bytes(width: int = 2, height: int = 2, padding: int = 0) -> bytes:
    """A real PNG image (grey pixels); ``padding`` adds an ancillary chunk to make it larger."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    extra = chunk(b"teXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    """A valid form, started a minute ago."""
    data: dict[str, Any] = {
        "category": "moi-truong",
        "unit": DINH_HOA,
        "residential_unit": "",
        "address": "Đầu cầu Nà Mỵ",
        "title": "",
        "description": "Bãi rác tự phát ở đầu thôn Nà Mỵ bốc mùi, đề nghị xã cho thu gom.",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
        "wants_notification": "on",
        "website": "",
        "started": make_stamp(time.time() - 60),
    }
    data.update(overrides)
    return data


def nothing_stored() -> bool:
    return not (
        Feedback.objects.exists() or FeedbackAttachment.objects.exists() or MediaBlob.objects.exists()
    )


def answer_it(feedback: Feedback, handler: Any, approver: Any, **fields: Any) -> None:
    """The commune handler answers, the approver approves (the answer is published)."""
    values = {
        "body": "Xã đã bố trí xe thu gom rác tại đầu thôn Nà Mỵ từ ngày 28/11.",
        "public_title": "Thu gom bãi rác đầu thôn Nà Mỵ",
        **fields,
    }
    answer = answers.draft_answer(actor=handler, feedback=feedback, **values)
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)


def test_the_form_offers_categories_communes_and_hides_the_honeypot(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Gửi phản ánh, kiến nghị" in html
    assert '<optgroup label="' in html  # categories grouped
    assert f'value="{DINH_HOA}"' in html
    honeypot = re.search(r'<input[^>]*name="website"[^>]*>', html)
    assert honeypot is not None
    assert 'tabindex="-1"' in honeypot.group(0)
    assert 'autocomplete="off"' in honeypot.group(0)
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'name="started"' in html
    assert 'accept="image/*,audio/*"' in html
    assert 'capture="environment"' in html
    assert "chỉ cán bộ xử lý thấy" in html.lower()
    assert response["X-Robots-Tag"].startswith("noindex")


def test_a_citizen_sends_feedback_with_a_photo_and_gets_the_tracking_link(client: Client) -> None:
    photo = SimpleUploadedFile("bai-rac.png", png_bytes(), content_type="image/png")
    response = client.post(URL, form_data(uploads=[photo]))
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:sent")
    feedback = Feedback.objects.get()
    assert feedback.channel == Channel.WEB
    assert feedback.status == Status.RECEIVED
    assert feedback.reporter_name == NAME
    assert feedback.reporter_phone == "0912345678"
    assert feedback.address == "Đầu cầu Nà Mỵ"
    assert feedback.attachments.get().blob.mime_type == "image/png"
    assert SubmissionMark.objects.filter(accepted=True).count() == 1

    sent = client.get(response["Location"])
    assert sent.status_code == 200
    html = sent.content.decode()
    assert feedback.public_id in html
    assert f"/feedback/track/{feedback.tracking_code}/" in html
    assert feedback.due_at.astimezone().strftime("%Y") in html
    assert sent["Referrer-Policy"] == "same-origin"
    assert NAME not in html
    assert "0912345678" not in html


def test_the_sent_page_without_a_submission_goes_back_to_the_form(client: Client) -> None:
    response = client.get(reverse("feedback:sent"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_missing_fields_are_named_in_vietnamese_and_the_form_keeps_what_was_typed(client: Client) -> None:
    response = client.post(URL, form_data(category="", unit="", description=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Mục này bắt buộc.") == 3
    assert "Chưa gửi được" in html
    assert 'value="Đầu cầu Nà Mỵ"' in html  # kept
    assert f'value="{NAME}"' in html
    assert nothing_stored()


def test_the_services_checks_are_put_on_the_fields(client: Client) -> None:
    response = client.post(
        URL, form_data(description="ngắn", reporter_phone="12ab", reporter_email="không-phải-email")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nội dung cần ít nhất 10 ký tự." in html
    assert "Số điện thoại không hợp lệ" in html
    assert "Địa chỉ thư điện tử không hợp lệ." in html
    assert nothing_stored()


def test_unknown_choices_are_refused_in_vietnamese(client: Client) -> None:
    response = client.post(URL, form_data(category="không-có", unit="01", residential_unit="không-có"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chọn lĩnh vực phản ánh." in html
    assert "Chọn xã, phường nơi xảy ra sự việc." in html  # Hà Nội is not a commune of this province
    assert nothing_stored()


def test_a_residential_unit_of_another_commune_is_refused(client: Client) -> None:
    response = client.post(URL, form_data(residential_unit="không-có"))
    assert response.status_code == 400
    assert "Thôn, tổ dân phố không thuộc xã, phường đã chọn." in response.content.decode()
    assert nothing_stored()


def test_a_mislabelled_upload_is_refused_by_its_content(client: Client) -> None:
    fake = SimpleUploadedFile(
        "anh-hien-truong.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = client.post(URL, form_data(uploads=[fake]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "anh-hien-truong.jpg: Định dạng tệp không được nhận" in html
    assert "<script>alert(1)" not in html
    assert nothing_stored()
    assert not SubmissionMark.objects.filter(accepted=True).exists()


def test_a_good_photo_with_a_bad_file_stores_neither(client: Client) -> None:
    good = SimpleUploadedFile("tot.png", png_bytes(), content_type="image/png")
    bad = SimpleUploadedFile("xau.mp3", b"not audio at all, just text", content_type="audio/mpeg")
    response = client.post(URL, form_data(uploads=[good, bad]))
    assert response.status_code == 400
    assert "xau.mp3:" in response.content.decode()
    assert nothing_stored()


def test_an_oversized_image_is_refused(client: Client, settings: Any) -> None:
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 2, "video": 2, "image": 1, "document": 1}
    big = SimpleUploadedFile("lon.png", png_bytes(padding=1_200_000), content_type="image/png")
    response = client.post(URL, form_data(uploads=[big]))
    assert response.status_code == 413
    assert "lon.png: Tệp Hình ảnh quá lớn (tối đa 1 MB)." in response.content.decode()
    assert nothing_stored()


def test_a_request_larger_than_every_allowed_file_together_is_refused_unread(
    client: Client, settings: Any
) -> None:
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 1, "video": 1, "image": 1, "document": 1}
    huge = SimpleUploadedFile("a.png", png_bytes(padding=6 * 1024 * 1024), content_type="image/png")
    response = client.post(URL, form_data(uploads=[huge]))
    assert response.status_code == 413
    assert "Các tệp gửi kèm quá lớn" in response.content.decode()
    assert nothing_stored()


def test_too_many_files_are_refused(client: Client) -> None:
    photos = [SimpleUploadedFile(f"{i}.png", png_bytes(i + 1), content_type="image/png") for i in range(6)]
    response = client.post(URL, form_data(uploads=photos))
    assert response.status_code == 400
    assert "Gửi tối đa 5 tệp." in response.content.decode()
    assert nothing_stored()


def test_script_injection_is_stored_as_text_and_shown_escaped(
    client: Client, handler: Any, approver: Any
) -> None:
    title = '<script>alert("x")</script> Rác'
    description = "Bãi rác <img src=x onerror=alert(1)> <script>document.cookie</script> ở đầu thôn."
    response = client.post(URL, form_data(title=title, description=description))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.title, feedback.description) == (title, description)

    track = client.get(reverse("feedback:track", args=[feedback.tracking_code])).content.decode()
    assert "<script" not in track
    assert "<img src=x" not in track
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Rác" in track

    answer_it(
        feedback, handler, approver, public_title="", body="Trả lời <script>alert(2)</script> đã xử lý."
    )
    page = client.get(reverse("feedback:answer", args=[feedback.public_id])).content.decode()
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Rác" in page  # the title, kept as text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    listing = client.get(reverse("feedback:answers")).content.decode()
    assert "<script" not in listing


def test_the_honeypot_refuses_with_400(client: Client) -> None:
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Không gửi được phản ánh." in response.content.decode()
    assert nothing_stored()


def test_a_form_sent_too_fast_is_refused_with_400(client: Client) -> None:
    response = client.post(URL, form_data(started=make_stamp()))
    assert response.status_code == 400
    assert "Biểu mẫu được gửi quá nhanh" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("stamp", ["", "bịa-đặt", make_stamp(time.time() - 3 * 24 * 3600)])
def test_a_missing_forged_or_stale_start_time_is_refused_with_a_fresh_one(client: Client, stamp: str) -> None:
    response = client.post(URL, form_data(started=stamp))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html
    fresh = re.search(r'name="started" value="([^"]+)"', html)
    assert fresh is not None
    assert fresh.group(1) != stamp
    assert nothing_stored()


def test_a_burst_from_one_address_gets_429_with_retry_after(client: Client, settings: Any) -> None:
    settings.NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        data = form_data(reporter_phone="", description=f"Đường thôn Nà Mỵ hỏng lần {n}, đề nghị sửa.")
        assert client.post(URL, data).status_code == 302
    for _ in range(3):
        response = client.post(URL, form_data(reporter_phone="", description="Một phản ánh nữa về đường."))
        assert response.status_code == 429
        assert response["Retry-After"] == "3600"
        assert "Địa chỉ mạng này đã gửi 2 phản ánh trong một giờ qua" in response.content.decode()
    assert Feedback.objects.count() == 2
    assert SubmissionMark.objects.filter(accepted=False).count() == 3


def test_one_phone_number_is_limited_per_day_across_addresses(client: Client, settings: Any) -> None:
    settings.NGUON_FEEDBACK_PER_PHONE_PER_DAY = 1
    assert client.post(URL, form_data(), REMOTE_ADDR="198.51.100.1").status_code == 302
    response = client.post(URL, form_data(reporter_phone="+84 912 345 678"), REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 429
    assert response["Retry-After"] == "86400"
    assert "Số điện thoại này đã gửi" in response.content.decode()
    assert Feedback.objects.count() == 1


def test_the_residential_units_of_a_commune_are_offered(client: Client) -> None:
    response = client.get(reverse("feedback:places", args=[DINH_HOA]))
    assert response.status_code == 200
    assert response.json()["commune"] == DINH_HOA
    assert client.get(reverse("feedback:places", args=["01"])).status_code == 404  # not a commune here
