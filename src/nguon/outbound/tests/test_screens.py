"""Screens and API: destination form (write-only credentials), delivery log with filters, resend."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.outbound.choices import MessageStatus
from nguon.outbound.models import Destination, OutboundMessage
from nguon.outbound.services import queue
from nguon.outbound.services.destinations import read_credentials
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db


def test_destination_form_creates_and_shows_errors(sign_in: Any, make_user: Any, province: Any) -> None:
    client = sign_in(make_user(Role.PROVINCIAL_APPROVER, unit=province))
    assert client.get("/outbound/").status_code == 200
    form = client.get("/outbound/destinations/new/").content.decode()
    assert 'name="cred__facebook_page__page_access_token"' in form
    assert 'type="password"' in form
    bad = client.post(
        "/outbound/destinations/new/",
        {
            "name": "Trang tỉnh",
            "kind": "facebook_page",
            "channel": "social",
            "unit_code": "19",
            "settings": "{not json",
            "rate_limit_per_minute": 30,
            "max_attempts": 8,
        },
    )
    assert bad.status_code == 400
    assert "Cấu hình không phải JSON hợp lệ." in bad.content.decode()
    missing = client.post(
        "/outbound/destinations/new/",
        {
            "name": "Trang tỉnh",
            "kind": "facebook_page",
            "channel": "social",
            "unit_code": "19",
            "settings": "{}",
            "rate_limit_per_minute": 30,
            "max_attempts": 8,
        },
    )
    page = missing.content.decode()
    assert missing.status_code == 400
    assert "Thiếu “Mã trang (Page ID)”." in page
    assert "Thiếu “Mã truy cập của trang”." in page
    assert Destination.objects.count() == 0
    ok = client.post(
        "/outbound/destinations/new/",
        {
            "name": "Trang tỉnh",
            "kind": "facebook_page",
            "channel": "social",
            "unit_code": "19",
            "settings": '{"page_id": "123"}',
            "is_enabled": "on",
            "rate_limit_per_minute": 30,
            "max_attempts": 8,
            "cred__facebook_page__page_access_token": "EAA-form-token",
        },
    )
    assert ok.status_code == 302
    dest = Destination.objects.get()
    assert read_credentials(dest) == {"page_access_token": "EAA-form-token"}
    assert dest.settings == {"page_id": "123"}
    edited = client.post(
        f"/outbound/destinations/{dest.pk}/",
        {
            "name": "Trang Facebook tỉnh",
            "kind": "webhook",  # ignored: the kind of a destination is fixed
            "channel": "social",
            "unit_code": "19",
            "settings": '{"page_id": "456"}',
            "is_enabled": "on",
            "rate_limit_per_minute": 10,
            "max_attempts": 5,
            "cred__facebook_page__page_access_token": "",
        },
    )
    assert edited.status_code == 302
    dest.refresh_from_db()
    assert (dest.name, dest.kind, dest.settings, dest.rate_limit_per_minute) == (
        "Trang Facebook tỉnh",
        "facebook_page",
        {"page_id": "456"},
        10,
    )
    assert read_credentials(dest) == {"page_access_token": "EAA-form-token"}  # empty field kept it
    listing = client.get("/outbound/").content.decode()
    assert "Trang tỉnh" in listing
    assert "Đã đặt" in listing
    assert "EAA-form-token" not in listing


def test_pages_are_hidden_from_people_without_the_actions(sign_in: Any, make_user: Any, commune: Any) -> None:
    client = sign_in(make_user(Role.COMMUNE_EDITOR, unit=commune))
    assert client.get("/outbound/").status_code == 404
    assert client.get("/outbound/messages/").status_code == 404
    assert client.get("/outbound/destinations/new/").status_code == 404


def test_log_filters_attempts_and_resend(
    fake: Any, configure: Any, distribute: Any, sign_in: Any, make_user: Any, province: Any, commune: Any
) -> None:
    failing = configure(
        "webhook", {"url": fake.url + "/a"}, {"secret": "s" * 20}, name="Hỏng", max_attempts=1
    )
    working = configure("webhook", {"url": fake.url + "/b"}, {"secret": "s" * 20}, name="Chạy tốt")
    fake.default = lambda r: Reply(status=500) if r.path == "/a" else Reply(body={})
    b1 = distribute(title="Tin thứ nhất")
    b2 = distribute(title="Tin thứ hai")
    queue.deliver_due()
    assert OutboundMessage.objects.filter(destination=failing, status=MessageStatus.DEAD).count() == 2
    assert OutboundMessage.objects.filter(destination=working, status=MessageStatus.SENT).count() == 2
    operator = make_user(Role.EDITORIAL_BOARD, unit=province)
    client = sign_in(operator)
    dead = client.get(f"/outbound/messages/?destination={failing.pk}&status=dead").content.decode()
    assert dead.count("Tin thứ nhất") == 1
    assert dead.count("Tin thứ hai") == 1
    assert "HTTP 500" in dead
    one = client.get(f"/outbound/messages/?bulletin={b1.pk}").content.decode()
    assert "Tin thứ nhất" in one
    assert "Tin thứ hai" not in one

    api = client.get(f"/api/v1/outbound/messages?destination={failing.pk}&status=dead").json()
    raw = OutboundMessage.objects.filter(destination=failing, status="dead").order_by("-created_at", "-pk")
    assert [m["id"] for m in api] == [m.pk for m in raw]
    target = OutboundMessage.objects.get(destination=failing, bulletin=b2)
    attempts = client.get(f"/api/v1/outbound/messages/{target.pk}/attempts").json()
    assert [(a["cycle"], a["number"], a["outcome"], a["http_status"]) for a in attempts] == [
        (1, 1, "retryable", 500)
    ]
    detail = client.get(f"/outbound/messages/{target.pk}/").content.decode()
    assert "Gửi lại" in detail
    assert target.idempotency_key in detail

    fake.default = Reply(body={})
    assert client.post(f"/outbound/messages/{target.pk}/resend/").status_code == 302
    target.refresh_from_db()
    assert (target.status, target.cycle) == (MessageStatus.PENDING, 2)
    other = OutboundMessage.objects.get(destination=failing, bulletin=b1)
    resent = client.post(f"/api/v1/outbound/messages/{other.pk}/resend")
    assert resent.status_code == 200
    assert resent.json()["status"] == "pending"
    assert resent.json()["cycle"] == 2
    again = client.post(f"/api/v1/outbound/messages/{other.pk}/resend")
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["message"].startswith("Chỉ gửi lại được")
    assert AuditEvent.objects.filter(action="outbound.message.resend").count() == 2
    assert queue.deliver_due().sent == 2

    outsider = sign_in(make_user(Role.COMMUNE_APPROVER, unit=commune))
    assert outsider.get("/api/v1/outbound/messages").json() == []
    assert outsider.post(f"/api/v1/outbound/messages/{target.pk}/resend").status_code == 404
