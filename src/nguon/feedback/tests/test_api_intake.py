"""The JSON intake API: a citizen submits without an account (multipart, files checked by content), the
rate limits refuse floods cleanly, and the tracking code gives the citizen's view, rating and reopening."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.content.models import MediaBlob
from nguon.feedback.choices import Channel, EventKind, Status
from nguon.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent, SubmissionMark
from nguon.feedback.services import answers

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)
REPORTER = {
    "reporter_name": "Hoàng Văn Đức",
    "reporter_phone": "0912 000 111",
    "reporter_email": "duc@example.vn",
}
SECRETS = ("Hoàng Văn Đức", "0912000111", "0912 000 111", "912000111", "duc@example.vn")


def fields(**overrides: str) -> dict[str, str]:
    data = {
        "service_code": "giao-thong",
        "unit": "05569",
        "description": "Đoạn đường liên thôn Nà Mỵ – Bản Quyền có nhiều ổ gà sâu, xe máy dễ ngã.",
        "address": "Km 2 đường liên thôn",
        **REPORTER,
    }
    data.update(overrides)
    return data


def test_citizen_submits_with_a_photo_without_an_account(client):
    photo = SimpleUploadedFile("o-ga.png", PNG, content_type="image/png")
    response = client.post(URL, {**fields(), "files": [photo]}, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "public_id",
        "tracking_code",
        "tracking_url",
        "status",
        "status_notes",
        "received_at",
        "due_at",
    }
    feedback = Feedback.objects.get(public_id=body["public_id"])
    assert feedback.channel == Channel.API
    assert feedback.tracking_code == body["tracking_code"]
    assert body["tracking_url"].endswith(f"/feedback/track/{feedback.tracking_code}/")
    assert feedback.attachments.get().blob.kind == "image"
    assert feedback.reporter_phone == "0912000111"
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_every_problem_is_reported_at_once(client):
    response = client.post(
        URL, fields(service_code="khong-co", unit="99999", description="ngắn", reporter_email="sai@")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {d["field"] for d in error["details"]} >= {"category", "unit", "description", "reporter_email"}
    assert not Feedback.objects.exists()


def test_mislabelled_upload_is_refused_and_nothing_is_stored(client):
    fake = SimpleUploadedFile("anh.jpg", b"<script>alert(1)</script>" * 10, content_type="image/jpeg")
    response = client.post(URL, {**fields(), "files": [fake]})
    assert response.status_code in (400, 415, 422)
    assert response.json()["error"]["code"] == "file_rejected"
    assert not Feedback.objects.exists()
    assert not FeedbackEvent.objects.exists()
    assert not MediaBlob.objects.exists()


def test_oversized_upload_is_413(client, monkeypatch):
    from nguon.content import files

    monkeypatch.setattr(files, "largest_limit", lambda: 100)
    big = SimpleUploadedFile("anh.png", PNG + b"\0" * 200, content_type="image/png")
    response = client.post(URL, {**fields(), "files": [big]})
    assert response.status_code == 413
    assert not Feedback.objects.exists()


def test_script_is_stored_as_text_and_never_executed_in_output(client):
    response = client.post(URL, fields(title="<script>alert('x')</script> ổ gà"))
    assert response.status_code == 201
    code = response.json()["tracking_code"]
    track = client.get(f"{URL}track/{code}")
    assert track["Content-Type"].startswith("application/json")
    assert track.json()["title"] == "<script>alert('x')</script> ổ gà"  # JSON data, not markup


def test_rate_limit_is_429_in_the_project_error_shape(client, settings):
    settings.NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        data = fields(reporter_phone="", description=f"Phản ánh thứ {n}: đèn đường thôn Nà Mỵ bị hỏng.")
        assert client.post(URL, data, REMOTE_ADDR="192.0.2.60").status_code == 201
    response = client.post(URL, fields(reporter_phone=""), REMOTE_ADDR="192.0.2.60")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json()["error"]["code"] == "rate_limited_address"
    assert "tối đa 2" in response.json()["error"]["message"]


def test_phone_limit(client, settings):
    settings.NGUON_FEEDBACK_PER_PHONE_PER_DAY = 1
    assert client.post(URL, fields(), REMOTE_ADDR="192.0.2.70").status_code == 201
    response = client.post(URL, fields(), REMOTE_ADDR="192.0.2.71")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited_phone"
    assert response["Retry-After"] == "86400"


def test_burst_of_1000_from_one_address(client, settings):
    """1,000 submissions from one address in a loop: 10 stored (the default limit), 990 refused with 429
    and a reason, and nothing stored half (every feedback has its events, no orphan files)."""
    settings.NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR = 10
    photo = PNG
    statuses: dict[int, int] = {}
    reasons: set[str] = set()
    for n in range(1000):
        data = fields(
            reporter_phone="", reporter_email="", description=f"Phản ánh số {n} về ổ gà trên đường liên thôn."
        )
        if n % 100 == 0:
            data["files"] = [SimpleUploadedFile("anh.png", photo, content_type="image/png")]  # type: ignore[assignment]
        response = client.post(URL, data, REMOTE_ADDR="192.0.2.99")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code == 429:
            assert response["Retry-After"]
            reasons.add(response.json()["error"]["message"])
    assert statuses == {201: 10, 429: 990}
    assert len(reasons) == 1
    assert "Vui lòng thử lại sau" in reasons.pop()
    assert Feedback.objects.count() == 10
    for feedback in Feedback.objects.all():
        kinds = set(feedback.events.values_list("kind", flat=True))
        assert {EventKind.RECEIVED, EventKind.ROUTED} <= kinds
    assert FeedbackAttachment.objects.count() == 1  # only the first (n = 0) got through with a photo
    assert FeedbackAttachment.objects.filter(feedback__isnull=True).count() == 0
    assert MediaBlob.objects.count() == 1
    assert SubmissionMark.objects.filter(accepted=True).count() == 10
    assert SubmissionMark.objects.filter(accepted=False).count() == 990


def test_tracking_view_rating_and_reopening(client, handler, approver):
    created = client.post(URL, fields()).json()
    code = created["tracking_code"]
    view = client.get(f"{URL}track/{code}")
    assert view.status_code == 200
    data = view.json()
    assert data["public_id"] == created["public_id"]
    assert data["status"] == Status.RECEIVED
    assert data["open311_status"] == "open"
    assert data["reporter"] == {"name": "H. V. Đ.", "phone": "09******11", "email": "d**@example.vn"}
    assert data["answer"] is None
    assert [e["kind"] for e in data["timeline"]] == [EventKind.RECEIVED]  # routing is internal
    assert data["can_rate"] is False
    for secret in SECRETS:
        assert secret not in view.content.decode()

    feedback = Feedback.objects.get(public_id=created["public_id"])
    answer = answers.draft_answer(
        actor=handler,
        feedback=feedback,
        body="Xã đã vá các ổ gà trên đường liên thôn.",
        public_title="Vá ổ gà",
    )
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    data = client.get(f"{URL}track/{code}").json()
    assert data["status"] == Status.ANSWERED
    assert data["answer"]["body"] == "Xã đã vá các ổ gà trên đường liên thôn."
    assert data["answer"]["aired_on_radio"] is False
    assert data["title"] == "Vá ổ gà"
    assert data["can_rate"] is True

    reopened = client.post(
        f"{URL}track/{code}/reopen",
        {"reason": "Mới vá được một nửa đoạn đường."},
        content_type="application/json",
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == Status.IN_PROGRESS
    assert reopened.json()["timeline"][-1]["kind"] == EventKind.REOPENED
    refused = client.post(f"{URL}track/{code}/rate", {"rating": 4}, content_type="application/json")
    assert refused.status_code == 422

    answer = answers.draft_answer(actor=handler, feedback=feedback, body="Đã vá xong toàn bộ đoạn đường.")
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    rated = client.post(
        f"{URL}track/{code}/rate", {"rating": 5, "comment": "Cảm ơn xã."}, content_type="application/json"
    )
    assert rated.status_code == 200
    assert rated.json()["status"] == Status.CLOSED
    assert rated.json()["rating"] == 5
    bad = client.post(f"{URL}track/{code}/rate", {"rating": 9}, content_type="application/json")
    assert bad.status_code == 422


def test_unknown_tracking_code_is_404(client):
    response = client.get(f"{URL}track/khong-co-ma-nay")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert (
        client.post(f"{URL}track/khong-co/rate", {"rating": 5}, content_type="application/json").status_code
        == 404
    )
