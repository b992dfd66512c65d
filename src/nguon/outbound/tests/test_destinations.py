"""Destinations: sealed write-only credentials, clear Vietnamese errors for unusable settings, access."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from nguon.accounts.choices import Role
from nguon.content.choices import Channel
from nguon.core.models import AuditEvent
from nguon.outbound.models import DeliveryAttempt, Destination, OutboundMessage
from nguon.outbound.services import queue
from nguon.outbound.services.destinations import DestinationInput, read_credentials, save_destination
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db

TOKEN = "EAAG-very-secret-page-token-42"


def _dump() -> str:
    """Every row of the outbound tables and the audit trail, as text (what a database dump holds)."""
    text = []
    with connection.cursor() as cursor:
        for table in (
            "outbound_destination",
            "outbound_outboundmessage",
            "outbound_deliveryattempt",
            "core_auditevent",
        ):
            cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")  # noqa: S608 - fixed names
            text += [row[0] for row in cursor.fetchall()]
    return "\n".join(text)


def test_credentials_are_sealed_and_never_shown(
    fake: Any, configure: Any, distribute: Any, caplog: Any, sign_in: Any, make_user: Any, province: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.script = [
        Reply(status=500, body={"error": {"message": f"bad token {TOKEN}"}})
    ]  # an answer echoing it
    fake.default = Reply(body={"id": "1_2"})
    dest = configure("facebook_page", {"base_url": fake.url, "page_id": "1"}, {"page_access_token": TOKEN})
    assert read_credentials(dest) == {"page_access_token": TOKEN}
    b = distribute(title="Tin có khóa")
    queue.deliver_due()
    message = OutboundMessage.objects.get(destination=dest, bulletin=b)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.next_attempt_at is not None
    queue.deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == "sent"
    attempts = list(DeliveryAttempt.objects.filter(message=message))
    assert len(attempts) == 2
    assert "***" in attempts[0].error
    assert TOKEN not in attempts[0].error
    dump = _dump()
    assert dump.count(dest.credentials_sealed) == 1
    assert TOKEN not in dump
    assert "EAAG" not in dump
    assert TOKEN not in repr(dest)
    assert TOKEN not in str(dest)
    assert TOKEN not in caplog.text
    event = AuditEvent.objects.filter(action="outbound.destination.create").latest("pk")
    assert event.after is not None
    assert event.after["credentials"] is True
    assert TOKEN not in str(event.after)

    client = sign_in(make_user(Role.PROVINCIAL_APPROVER, unit=province))
    page = client.get(f"/outbound/destinations/{dest.pk}/").content.decode()
    assert TOKEN not in page
    assert dest.credentials_sealed not in page
    assert "Đã đặt — để trống để giữ nguyên" in page
    api = client.get("/api/v1/outbound/destinations").json()
    assert api == [
        {
            "id": dest.pk,
            "name": dest.name,
            "kind": "facebook_page",
            "channel": "social",
            "unit_code": "19",
            "languages": [],
            "categories": [],
            "is_enabled": True,
            "has_credentials": True,
            "rate_limit_per_minute": 30,
            "max_attempts": 8,
            "needs_reauthorization": False,
            "auth_problem": "",
            "token_expires_at": None,
        }
    ]


def test_credentials_kept_when_left_empty_and_replaced_when_typed(
    configure: Any, make_user: Any, province: Any
) -> None:
    dest = configure("webhook", {"url": "https://nhan.example.vn/hook"}, {"secret": "a" * 20})
    admin = make_user(Role.SYSTEM_ADMIN)
    data = DestinationInput(
        name="Đổi tên",
        kind="webhook",
        channel=Channel.SOCIAL,
        unit=province,
        settings={"url": "https://nhan.example.vn/h2"},
    )
    save_destination(actor=admin, data=data, destination=dest)
    dest.refresh_from_db()
    assert read_credentials(dest) == {"secret": "a" * 20}
    assert dest.name == "Đổi tên"
    data.credentials = {"secret": "b" * 20}
    save_destination(actor=admin, data=data, destination=dest)
    dest.refresh_from_db()
    assert read_credentials(dest) == {"secret": "b" * 20}
    data.credentials, data.clear_credentials = {}, True
    with pytest.raises(ValidationError) as error:  # a webhook cannot work without its secret
        save_destination(actor=admin, data=data, destination=dest)
    assert error.value.message_dict == {"secret": ["Thiếu “Khóa bí mật để ký (HMAC)”."]}


@pytest.mark.parametrize(
    ("kind", "config", "credentials", "expected"),
    [
        (
            "zalo_oa",
            {"author": "UBND"},
            {"access_token": "x"},
            {"cover_photo_url": ["Thiếu “Ảnh bìa bài viết (địa chỉ https://)”."]},
        ),
        (
            "zalo_oa",
            {"author": "A" * 51, "cover_photo_url": "ftp://x"},
            {},
            {
                "author": ["Tên tác giả trên Zalo tối đa 50 ký tự."],
                "cover_photo_url": ["“Ảnh bìa bài viết” phải là địa chỉ bắt đầu bằng https://."],
                "access_token": ["Thiếu “Mã truy cập OA (access token)”."],
            },
        ),
        (
            "facebook_page",
            {"page_id": "trang-xa"},
            {"page_access_token": "t"},
            {"page_id": ["Mã trang Facebook chỉ gồm chữ số (xem ở mục Giới thiệu của trang)."]},
        ),
        (
            "sms_gateway",
            {
                "url": "http://sms.example.vn/send",
                "brandname": "UBND TINH THAI",
                "recipients": ["0912345678", "12345"],
                "max_parts": 0,
            },
            {"api_key": "k"},
            {
                "url": [
                    "“Địa chỉ gửi tin của cổng SMS” phải dùng https:// (http:// chỉ dùng được với máy này, để thử nghiệm)."
                ],
                "brandname": ["Brandname tối đa 11 ký tự, chỉ gồm chữ không dấu, số, dấu cách, chấm, gạch."],
                "recipients": ["Số điện thoại không hợp lệ: 12345"],
                "max_parts": ["Số phần tin tối đa phải từ 1 đến 10."],
            },
        ),
        (
            "email",
            {"recipients": ["dung@xa.gov.vn", "sai-dia-chi"]},
            {},
            {"recipients": ["Địa chỉ thư không hợp lệ: sai-dia-chi"]},
        ),
        (
            "webhook",
            {"url": "https://nhan.example.vn"},
            {"secret": "ngan"},
            {"secret": ["Khóa bí mật cần ít nhất 16 ký tự."]},
        ),
    ],
)
def test_bad_settings_give_clear_vietnamese_errors_and_write_nothing(
    configure: Any,
    kind: str,
    config: dict[str, Any],
    credentials: dict[str, str],
    expected: dict[str, list[str]],
) -> None:
    with pytest.raises(ValidationError) as error:
        configure(kind, config, credentials)
    assert error.value.message_dict == expected
    assert Destination.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="outbound.").exists()


def test_unit_channel_and_access_checks(
    make_user: Any, province: Any, commune: Any, other_commune: Any
) -> None:
    data = DestinationInput(
        name="Zalo xã",
        kind="webhook",
        channel=Channel.RADIO,
        unit=None,
        settings={"url": "https://nhan.example.vn"},
        credentials={"secret": "s" * 20},
    )
    with pytest.raises(ValidationError) as error:
        save_destination(actor=make_user(Role.SYSTEM_ADMIN), data=data)
    assert set(error.value.message_dict) == {"channel", "unit"}
    data.channel, data.unit = Channel.SOCIAL, commune
    with pytest.raises(Http404):  # a commune approver cannot configure outbound channels
        save_destination(actor=make_user(Role.COMMUNE_APPROVER, unit=commune), data=data)
    with pytest.raises(Http404):  # nor a provincial editor (operate only)
        save_destination(actor=make_user(Role.EDITORIAL_BOARD, unit=province), data=data)
    saved = save_destination(actor=make_user(Role.PROVINCIAL_APPROVER, unit=province), data=data)
    assert saved.unit == commune
