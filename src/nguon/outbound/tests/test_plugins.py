"""Contract tests: the exact request each plug-in sends, against a local fake of the service."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core import mail

from nguon.outbound.choices import Action, MessageStatus
from nguon.outbound.formatting import portal_url
from nguon.outbound.models import OutboundMessage
from nguon.outbound.plugins.sms import sms_text
from nguon.outbound.services.queue import deliver_due
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db

TITLE = "Lịch tiêm chủng mở rộng tháng 12 tại xã Định Hóa"
SUMMARY = "Trạm y tế xã tổ chức tiêm chủng cho trẻ dưới 5 tuổi."
BODY = "<p>Thời gian: 8 giờ sáng thứ Hai.</p><p>Địa điểm: Trạm y tế xã.</p>"


def _message(destination: Any, bulletin: Any, action: str = Action.PUBLISH) -> OutboundMessage:
    return OutboundMessage.objects.get(destination=destination, bulletin=bulletin, action=action)


def test_zalo_article_create_verify_update_remove(
    fake: Any, configure: Any, distribute: Any, correct: Any, withdraw: Any
) -> None:
    dest = configure(
        "zalo_oa",
        {"base_url": fake.url, "author": "UBND tỉnh", "cover_photo_url": "https://anh.example.vn/bia.jpg"},
        {"access_token": "zalo-token-bi-mat-123"},
    )
    fake.script = [
        Reply(body={"error": 0, "message": "Success", "data": {"token": "tok-1"}}),
        Reply(body={"error": 0, "message": "Success", "data": {"id": "art-77"}}),
    ]
    b = distribute(title=TITLE, summary=SUMMARY, body=BODY)
    message = _message(dest, b)
    assert deliver_due().sent == 1
    create, verify = fake.requests
    assert (create.method, create.path) == ("POST", "/v2.0/article/create")
    assert create.headers["access_token"] == "zalo-token-bi-mat-123"
    assert create.headers["content-type"] == "application/json; charset=utf-8"
    assert (
        create.headers["x-nguon-idempotency-key"]
        == message.idempotency_key
        == f"nguon-{dest.pk}-{b.pk}-r{b.live_revision}-publish"
    )
    article = create.json()
    assert article["type"] == "normal"
    assert article["status"] == "show"
    assert article["comment"] == "hide"
    assert article["title"] == TITLE
    assert article["author"] == "UBND tỉnh"
    assert article["description"] == SUMMARY
    assert article["cover"] == {
        "cover_type": "photo",
        "photo_url": "https://anh.example.vn/bia.jpg",
        "status": "show",
    }
    texts = [p["content"] for p in article["body"]]
    assert texts[:2] == ["Thời gian: 8 giờ sáng thứ Hai.", "Địa điểm: Trạm y tế xã."]
    assert texts[-1] == f"Xem bản đầy đủ: {portal_url(b.pk)}"
    assert portal_url(b.pk).startswith("http")
    assert (verify.path, verify.json()) == ("/v2.0/article/verify", {"token": "tok-1"})
    message.refresh_from_db()
    assert (message.status, message.external_id) == (MessageStatus.SENT, "art-77")

    fake.default = Reply(body={"error": 0, "message": "Success", "data": {}})
    b = correct(b, title=TITLE, summary="Đổi sang 14 giờ chiều thứ Hai.", body=BODY)
    assert deliver_due().sent == 1
    update = fake.requests[-1]
    assert update.path == "/v2.0/article/update"
    assert update.json()["id"] == "art-77"
    assert update.json()["title"] == f"[Đính chính] {TITLE}"
    assert update.json()["description"] == "Đổi sang 14 giờ chiều thứ Hai."
    assert update.headers["x-nguon-idempotency-key"].endswith(f"-r{b.live_revision}-correct")

    withdraw(b)
    assert deliver_due().sent == 1
    remove = fake.requests[-1]
    assert (remove.path, remove.json()) == ("/v2.0/article/remove", {"id": "art-77"})
    assert len(fake.requests) == 4


def test_zalo_error_codes(fake: Any, configure: Any, distribute: Any) -> None:
    dest = configure(
        "zalo_oa",
        {"base_url": fake.url, "author": "UBND tỉnh", "cover_photo_url": "https://anh.example.vn/bia.jpg"},
        {"access_token": "zalo-token-het-han"},
    )
    fake.default = Reply(body={"error": -216, "message": "Access token is invalid"})
    b = distribute(title=TITLE)
    assert deliver_due().dead == 1
    message = _message(dest, b)
    assert message.status == MessageStatus.DEAD
    assert "Mã truy cập Zalo OA không hợp lệ" in message.last_error


def test_facebook_feed_edit_delete(
    fake: Any, configure: Any, distribute: Any, correct: Any, withdraw: Any
) -> None:
    dest = configure(
        "facebook_page",
        {"base_url": fake.url, "page_id": "1234567890"},
        {"page_access_token": "EAAB-page-token"},
    )
    fake.default = Reply(body={"id": "1234567890_555"})
    b = distribute(title=TITLE, summary=SUMMARY, body=BODY)
    assert deliver_due().sent == 1
    post = fake.requests[0]
    assert (post.method, post.path) == ("POST", "/1234567890/feed")
    assert post.headers["authorization"] == "Bearer EAAB-page-token"
    assert "EAAB" not in post.path
    assert b"EAAB" not in post.body
    assert post.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8"
    fields = parse_qs(post.body.decode())
    assert fields["message"] == [f"{TITLE}\n\n{SUMMARY}"]
    assert fields["link"] == [portal_url(b.pk)]
    assert _message(dest, b).external_id == "1234567890_555"

    fake.default = Reply(body={"success": True})
    correct(b, title=TITLE, summary="Đã dời lịch.", body=BODY)
    assert deliver_due().sent == 1
    edit = fake.requests[-1]
    assert (edit.method, edit.path) == ("POST", "/1234567890_555")
    assert parse_qs(edit.body.decode())["message"] == [
        f"[Đính chính] {TITLE}\n\nĐã dời lịch.\n\n{portal_url(b.pk)}"
    ]

    withdraw(b)
    assert deliver_due().sent == 1
    delete = fake.requests[-1]
    assert (delete.method, delete.path, delete.body) == ("DELETE", "/1234567890_555", b"")
    assert delete.headers["authorization"] == "Bearer EAAB-page-token"


def test_facebook_rate_limit_error_is_retried(fake: Any, configure: Any, distribute: Any) -> None:
    dest = configure(
        "facebook_page", {"base_url": fake.url, "page_id": "42"}, {"page_access_token": "EAAB-x"}
    )
    fake.script = [Reply(status=400, body={"error": {"code": 32, "message": "Page request limit reached"}})]
    b = distribute(title=TITLE)
    report = deliver_due()
    message = _message(dest, b)
    assert report.retrying == 1
    assert message.status == MessageStatus.FAILED
    attempt = message.delivery_attempts.get()
    assert attempt.outcome == "rate_limited"
    assert attempt.http_status == 400
    assert (attempt.retry_at - attempt.started_at).total_seconds() >= 60


def test_sms_gateway_request_and_encodings(fake: Any, configure: Any, distribute: Any) -> None:
    dest = configure(
        "sms_gateway",
        {
            "url": f"{fake.url}/api/sms/send",
            "brandname": "UBND TINH",
            "recipients": ["0912345678", "+84987654321"],
        },
        {"api_key": "sms-key-0001"},
        channel="sms",
    )
    fake.default = Reply(body={"id": "sms-9"})
    b = distribute(title=TITLE, summary=SUMMARY, body=BODY, channels=["sms", "portal"])
    assert deliver_due().sent == 1
    sent = fake.requests[0]
    assert (sent.method, sent.path) == ("POST", "/api/sms/send")
    assert sent.headers["authorization"] == "Bearer sms-key-0001"
    payload = sent.json()
    key = _message(dest, b).idempotency_key
    assert payload["request_id"] == key == sent.headers["x-nguon-idempotency-key"]
    assert payload["brandname"] == "UBND TINH"
    assert payload["to"] == ["0912345678", "+84987654321"]
    assert payload["encoding"] == "gsm7"
    assert payload["message"].startswith("Lich tiem chung mo rong thang 12 tai xa Dinh Hoa: Tram y te xa")
    assert payload["message"].endswith(f" {portal_url(b.pk)}")
    assert payload["message"].isascii()
    assert len(payload["message"]) <= 3 * 153
    assert _message(dest, b).external_id == "sms-9"


def test_sms_text_keeps_diacritics_in_ucs2_and_fits_the_parts() -> None:
    from nguon.outbound.formatting import OutboundItem

    item = OutboundItem(
        action=Action.PUBLISH,
        bulletin_id=1,
        revision=1,
        title=TITLE,
        summary=SUMMARY * 5,
        body_text="",
        body_html="",
        language="vi",
        category="",
        unit_name="",
        unit_code="",
        priority="normal",
        url="https://nguon.example.vn/portal/tin/1/",
        idempotency_key="k",
    )
    unicode = sms_text(item, unicode=True, max_parts=2)
    assert unicode.startswith(TITLE)
    assert len(unicode) <= 2 * 67
    assert unicode.endswith(" https://nguon.example.vn/portal/tin/1/")
    single = sms_text(item, unicode=False, max_parts=1)
    assert len(single) <= 160
    assert single.isascii()
    assert single.endswith("/portal/tin/1/")


def test_email_newsletter(configure: Any, distribute: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dest = configure(
        "email",
        {
            "recipients": ["a@xa.gov.vn", "b@xa.gov.vn"],
            "from_email": "ban-tin@tinh.gov.vn",
            "subject_prefix": "[Bản tin tỉnh] ",
        },
        channel="portal",
    )
    b = distribute(title=TITLE, summary=SUMMARY, body=BODY)
    assert deliver_due().sent == 1
    (sent,) = mail.outbox
    key = _message(dest, b).idempotency_key
    assert sent.subject == f"[Bản tin tỉnh] {TITLE}"
    assert sent.from_email == "ban-tin@tinh.gov.vn"
    assert sent.to == ["ban-tin@tinh.gov.vn"]
    assert sent.bcc == ["a@xa.gov.vn", "b@xa.gov.vn"]
    assert sent.extra_headers["Message-ID"] == f"<{key}@nguon.outbound>"
    assert sent.extra_headers["X-Nguon-Idempotency-Key"] == key
    assert "Thời gian: 8 giờ sáng thứ Hai." in sent.body
    assert portal_url(b.pk) in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Địa điểm: Trạm y tế xã.</p>" in html


def test_webhook_signature_and_headers(fake: Any, configure: Any, distribute: Any, withdraw: Any) -> None:
    secret = "webhook-secret-0123456789"
    dest = configure("webhook", {"url": f"{fake.url}/hooks/nguon"}, {"secret": secret})
    fake.default = Reply(body={"id": "remote-1"})
    b = distribute(title=TITLE, summary=SUMMARY, body=BODY)
    assert deliver_due().sent == 1
    hook = fake.requests[0]
    assert (hook.method, hook.path) == ("POST", "/hooks/nguon")
    expected = "sha256=" + hmac.new(secret.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-nguon-signature"] == expected
    assert hook.headers["x-nguon-event"] == "bulletin.publish"
    body = json.loads(hook.body)
    assert str(body["sent_at"]) == hook.headers["x-nguon-timestamp"]
    assert (
        body["idempotency_key"]
        == hook.headers["x-nguon-idempotency-key"]
        == _message(dest, b).idempotency_key
    )
    assert body["item"]["id"] == b.pk
    assert body["item"]["title"] == TITLE
    assert body["item"]["url"] == portal_url(b.pk)
    assert body["item"]["revision"] == b.live_revision
    assert body["item"]["body_html"] == BODY
    assert secret.encode() not in hook.body
    assert secret not in json.dumps(hook.headers)

    withdraw(b, reason="Sai địa điểm")
    assert deliver_due().sent == 1
    gone = json.loads(fake.requests[-1].body)
    assert gone["event"] == "bulletin.withdraw"
    assert gone["reason"] == "Sai địa điểm"
    assert gone["external_id"] == "remote-1"
