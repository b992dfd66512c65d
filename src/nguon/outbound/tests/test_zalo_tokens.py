"""Zalo OA access token refresh (OAuth v4) against a local fake OAuth server: the exact request, the
rotation of the refresh token, expiry, a refused token renewed once, and a refresh that fails."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.outbound.choices import MessageStatus, Outcome
from nguon.outbound.models import DeliveryAttempt, Destination, OutboundMessage
from nguon.outbound.services import queue, tokens
from nguon.outbound.services.destinations import DestinationInput, read_credentials, save_destination
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db

APP_ID = "4291763606161179100"
SECRETS = {
    "access_token": "zalo-access-cu-0001",
    "refresh_token": "zalo-refresh-cu-0001",
    "app_secret": "zalo-app-secret-bi-mat",
}
ARTICLE = Reply(body={"error": 0, "data": {"id": "bai-viet-1"}})
INVALID = Reply(body={"error": -216, "message": "Access token is invalid"})


def _grant(n: int, expires_in: Any = "90000") -> Reply:
    return Reply(
        body={
            "access_token": f"zalo-access-moi-{n:04d}",
            "refresh_token": f"zalo-refresh-moi-{n:04d}",
            "expires_in": expires_in,
        }
    )


@pytest.fixture
def zalo(fake: Any, fake2: Any, configure: Any) -> Destination:
    """A Zalo OA destination: the article API on ``fake``, the OAuth token endpoint on ``fake2``."""
    destination: Destination = configure(
        "zalo_oa",
        {
            "author": "UBND tỉnh",
            "cover_photo_url": "https://anh.example.vn/bia.jpg",
            "base_url": fake.url,
            "app_id": APP_ID,
            "token_url": f"{fake2.url}/v4/oa/access_token",
            "timeout": 2,
        },
        dict(SECRETS),
    )
    fake.default = ARTICLE
    return destination


def _no_secret_in(text: str, *more: str) -> None:
    for value in (*SECRETS.values(), *more):
        assert value not in text


def test_token_about_to_expire_is_renewed_first_with_the_exact_oauth_request_and_rotates(
    zalo: Destination, fake: Any, fake2: Any, distribute: Any
) -> None:
    fake2.script = [_grant(2), _grant(3, expires_in=86400)]
    distribute(title="Lịch cắt điện")
    now = timezone.now()
    Destination.objects.filter(pk=zalo.pk).update(token_expires_at=now + timedelta(minutes=5))

    assert queue.deliver_due(now=now).sent == 1
    assert len(fake2.requests) == 1
    oauth = fake2.requests[0]
    assert (oauth.method, oauth.path) == ("POST", "/v4/oa/access_token")
    assert oauth.headers["secret_key"] == "zalo-app-secret-bi-mat"
    assert oauth.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(oauth.body.decode("ascii"), strict_parsing=True) == {
        "app_id": [APP_ID],
        "grant_type": ["refresh_token"],
        "refresh_token": ["zalo-refresh-cu-0001"],
    }
    assert "access_token" not in oauth.headers  # the expiring token is not sent to the OAuth server
    assert [r.headers["access_token"] for r in fake.requests] == ["zalo-access-moi-0002"]

    zalo.refresh_from_db()
    assert read_credentials(zalo) == {
        "access_token": "zalo-access-moi-0002",
        "refresh_token": "zalo-refresh-moi-0002",
        "app_secret": "zalo-app-secret-bi-mat",
    }
    assert zalo.token_expires_at == now + timedelta(seconds=90000)
    assert zalo.auth_problem == ""
    events = list(AuditEvent.objects.filter(action="outbound.destination.token_refresh"))
    assert len(events) == 1
    assert events[0].actor_id is None
    assert events[0].after["refresh_token_rotated"] is True
    _no_secret_in(
        json.dumps([events[0].before, events[0].after]), "zalo-access-moi-0002", "zalo-refresh-moi-0002"
    )
    _no_secret_in(zalo.credentials_sealed, "zalo-access-moi-0002", "zalo-refresh-moi-0002")

    # well before the new expiry: no refresh
    distribute(title="Tin thứ hai")
    assert queue.deliver_due(now=now + timedelta(hours=1)).sent == 1
    assert len(fake2.requests) == 1
    # close to it: the rotated refresh token is the one spent
    distribute(title="Tin thứ ba")
    later = now + timedelta(seconds=90000) - timedelta(minutes=3)
    assert queue.deliver_due(now=later).sent == 1
    assert len(fake2.requests) == 2
    assert parse_qs(fake2.requests[1].body.decode("ascii"))["refresh_token"] == ["zalo-refresh-moi-0002"]
    assert fake.requests[-1].headers["access_token"] == "zalo-access-moi-0003"
    zalo.refresh_from_db()
    assert zalo.token_expires_at == later + timedelta(seconds=86400)
    assert read_credentials(zalo)["refresh_token"] == "zalo-refresh-moi-0003"


def test_a_refused_token_is_renewed_once_and_the_send_tried_again(
    zalo: Destination, fake: Any, fake2: Any, distribute: Any
) -> None:
    fake.script = [INVALID]  # expiry unknown: the answer tells us
    fake2.script = [_grant(2)]
    b = distribute(title="Thông báo")
    assert queue.deliver_due().sent == 1
    assert [r.headers["access_token"] for r in fake.requests] == [
        "zalo-access-cu-0001",
        "zalo-access-moi-0002",
    ]
    assert [r.path for r in fake.requests] == ["/v2.0/article/create", "/v2.0/article/create"]
    assert len(fake2.requests) == 1
    message = OutboundMessage.objects.get(bulletin=b, destination=zalo)
    assert (message.status, message.external_id) == (MessageStatus.SENT, "bai-viet-1")
    assert DeliveryAttempt.objects.filter(message=message).count() == 1  # one attempt, two calls

    # refused again right after a refresh: no loop, the destination is flagged
    fake2.script = [_grant(3)]
    Destination.objects.filter(pk=zalo.pk).update(token_expires_at=None)
    b2 = distribute(title="Thông báo hai")
    fake.script = [INVALID, INVALID]
    assert queue.deliver_due().dead == 1
    assert len(fake2.requests) == 2
    assert len(fake.requests) == 4
    zalo.refresh_from_db()
    assert zalo.auth_problem.startswith("Cần cấp lại quyền truy cập Zalo OA")
    assert OutboundMessage.objects.get(bulletin=b2).status == MessageStatus.DEAD


def test_a_failed_refresh_retries_the_message_and_flags_the_destination_until_reauthorised(
    zalo: Destination,
    fake: Any,
    fake2: Any,
    distribute: Any,
    make_user: Any,
    province: Any,
    sign_in: Any,
) -> None:
    fake.default = INVALID
    fake2.default = Reply(
        body={
            "error": -14014,
            "error_name": "Invalid refresh token",
            "error_description": "Refresh token zalo-refresh-cu-0001 is invalid",
        }
    )
    b = distribute(title="Tin cần gửi Zalo")
    now = timezone.now()
    report = queue.deliver_due(now=now, rand=lambda: 1.0)
    assert (report.retrying, report.dead) == (1, 0)
    message = OutboundMessage.objects.get(bulletin=b, destination=zalo)
    assert message.status == MessageStatus.FAILED
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert "Không làm mới được mã truy cập" in message.last_error
    assert "Cần cấp lại quyền truy cập Zalo OA" in message.last_error
    assert "-14014" in message.last_error
    _no_secret_in(message.last_error)
    attempt = DeliveryAttempt.objects.get(message=message)
    assert attempt.outcome == Outcome.RETRYABLE
    _no_secret_in(attempt.error)
    assert len(fake2.requests) == 1

    zalo.refresh_from_db()
    assert zalo.auth_problem.startswith("Cần cấp lại quyền truy cập Zalo OA")
    _no_secret_in(zalo.auth_problem)
    assert read_credentials(zalo) == SECRETS  # nothing half-written
    flagged = AuditEvent.objects.get(action="outbound.destination.reauthorize_needed")
    _no_secret_in(json.dumps([flagged.before, flagged.after]))

    admin = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    client = sign_in(admin)
    page = client.get("/outbound/").content.decode()
    assert "Cần cấp lại quyền truy cập Zalo OA" in page
    _no_secret_in(page)
    api = client.get("/api/v1/outbound/destinations").json()
    row = next(d for d in api if d["id"] == zalo.pk)
    assert row["needs_reauthorization"] is True
    _no_secret_in(json.dumps(api))

    # a person grants access again: the flag goes, the next attempt renews and sends
    save_destination(
        actor=admin,
        data=DestinationInput(
            name=zalo.name,
            kind=zalo.kind,
            channel=zalo.channel,
            unit=zalo.unit,
            settings=zalo.settings,
            credentials={"refresh_token": "zalo-refresh-cap-lai-0009"},
        ),
        destination=zalo,
    )
    zalo.refresh_from_db()
    assert zalo.auth_problem == ""
    assert "Cần cấp lại quyền truy cập Zalo OA" not in client.get("/outbound/").content.decode()
    fake.script = [INVALID]
    fake.default = ARTICLE
    fake2.default = _grant(10)
    assert queue.deliver_due(now=now + timedelta(seconds=30)).sent == 1
    assert parse_qs(fake2.requests[-1].body.decode("ascii"))["refresh_token"] == ["zalo-refresh-cap-lai-0009"]
    assert fake.requests[-1].headers["access_token"] == "zalo-access-moi-0010"


def test_an_unreachable_oauth_server_is_retried_without_flagging(
    zalo: Destination, fake: Any, fake2: Any, distribute: Any
) -> None:
    Destination.objects.filter(pk=zalo.pk).update(token_expires_at=timezone.now())
    fake2.default = Reply(status=503, body={"message": "maintenance"})
    b = distribute(title="Tin")
    assert queue.deliver_due().retrying == 1
    assert fake.requests == []  # an expired token is not used
    message = OutboundMessage.objects.get(bulletin=b)
    assert "HTTP 503" in message.last_error
    assert "Sẽ thử lại" in message.last_error
    zalo.refresh_from_db()
    assert zalo.auth_problem == ""
    assert read_credentials(zalo) == SECRETS


def test_a_second_worker_uses_the_token_the_first_one_renewed(zalo: Destination, fake2: Any) -> None:
    now = timezone.now()
    fake2.script = [_grant(2)]
    first = tokens.refresh(destination=zalo, stale_access_token="zalo-access-cu-0001", now=now, timeout=2)
    assert isinstance(first, dict)
    stale_copy = Destination.objects.get(pk=zalo.pk)
    second = tokens.refresh(
        destination=stale_copy, stale_access_token="zalo-access-cu-0001", now=now, timeout=2
    )
    assert second == first
    assert len(fake2.requests) == 1  # the single-use refresh token was spent once


def test_refresh_settings_are_validated(configure: Any, fake2: Any) -> None:
    base = {"author": "UBND", "cover_photo_url": "https://anh.example.vn/bia.jpg"}
    with pytest.raises(ValidationError) as error:
        configure("zalo_oa", {**base, "token_url": "ftp://x"}, {"refresh_token": "r-123456"})
    assert error.value.message_dict == {
        "token_url": ["“Địa chỉ làm mới mã truy cập” phải là địa chỉ bắt đầu bằng https://."],
        "app_secret": ["Cần “Khóa bí mật của ứng dụng (app secret)” để làm mới mã truy cập."],
        "app_id": ["Cần “Mã ứng dụng Zalo (app id)” (chỉ gồm chữ số) để làm mới mã truy cập."],
    }
    assert Destination.objects.count() == 0
    # a refresh token alone (no access token yet) is enough: the first send renews it
    dest = configure(
        "zalo_oa",
        {**base, "app_id": APP_ID, "token_url": f"{fake2.url}/v4/oa/access_token"},
        {"refresh_token": "r-123456", "app_secret": "s-123456"},
    )
    assert tokens.needs_refresh(dest, read_credentials(dest), timezone.now())


def test_a_token_still_valid_is_used_when_its_early_renewal_fails(
    zalo: Destination, fake: Any, fake2: Any, distribute: Any
) -> None:
    fake2.default = Reply(status=503, body={"message": "maintenance"})
    b = distribute(title="Tin")
    now = timezone.now()
    Destination.objects.filter(pk=zalo.pk).update(token_expires_at=now + timedelta(minutes=5))
    assert queue.deliver_due(now=now).sent == 1
    assert len(fake2.requests) == 1
    assert [r.headers["access_token"] for r in fake.requests] == ["zalo-access-cu-0001"]
    assert OutboundMessage.objects.get(bulletin=b).status == MessageStatus.SENT
    zalo.refresh_from_db()
    assert (zalo.token_expires_at, zalo.auth_problem) == (now + timedelta(minutes=5), "")
