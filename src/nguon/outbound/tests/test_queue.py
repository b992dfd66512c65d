"""The delivery queue: retries with growing waits, leases, corrections, withdrawals, dead letters, resend."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from nguon.content.choices import Channel, DeliveryStatus
from nguon.content.models import Delivery
from nguon.core.models import AuditEvent
from nguon.outbound.choices import Action, MessageStatus, Outcome
from nguon.outbound.models import DeliveryAttempt, OutboundMessage
from nguon.outbound.plugins import Result
from nguon.outbound.services import queue
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db

ZALO = {"author": "UBND tỉnh", "cover_photo_url": "https://anh.example.vn/bia.jpg", "timeout": 0.5}


def _due(message: OutboundMessage) -> Any:
    message.refresh_from_db()
    assert message.next_attempt_at is not None
    return message.next_attempt_at


def test_zalo_timeout_500_and_429_are_retried_with_growing_waits_and_delivered_once(
    fake: Any, configure: Any, distribute: Any
) -> None:
    dest = configure("zalo_oa", {**ZALO, "base_url": fake.url}, {"access_token": "tok-zalo-abc"})
    fake.script = [
        Reply(status=200, body={"error": 0, "data": {"id": "art-1"}}, delay=1.5),  # answered too late
        Reply(status=500, body={"error": -1, "message": "internal"}),
        Reply(status=429, body={}, headers={"Retry-After": "900"}),
    ]
    fake.default = Reply(body={"error": 0, "data": {"id": "art-1"}})
    b = distribute(title="Thông báo lịch cắt điện")
    message = OutboundMessage.objects.get(destination=dest, bulletin=b)
    now = timezone.now()
    waits = []
    for expected in (Outcome.RETRYABLE, Outcome.RETRYABLE, Outcome.RATE_LIMITED):
        report = queue.deliver_due(now=now, rand=lambda: 1.0)
        assert report.retrying == 1
        due = _due(message)
        waits.append((due - now).total_seconds())
        assert message.status == MessageStatus.FAILED
        assert queue.deliver_due(now=due - timedelta(seconds=1)).claimed == 0  # not due yet: nothing sent
        assert DeliveryAttempt.objects.filter(message=message).last().outcome == expected
        now = due
    assert waits[0] == 30
    assert waits[1] == 60
    assert waits[2] == 900
    assert queue.deliver_due(now=now).sent == 1
    message.refresh_from_db()
    assert (message.status, message.external_id, message.attempts) == (MessageStatus.SENT, "art-1", 4)
    attempts = list(DeliveryAttempt.objects.filter(message=message).order_by("number"))
    assert [a.number for a in attempts] == [1, 2, 3, 4]
    assert [a.outcome for a in attempts] == ["retryable", "retryable", "rate_limited", "sent"]
    assert [a.http_status for a in attempts] == [None, 500, 429, 200]
    assert "Hết thời gian chờ" in attempts[0].error
    keys = {r.headers["x-nguon-idempotency-key"] for r in fake.requests}
    assert keys == {message.idempotency_key}
    assert len(fake.requests) == 4
    assert fake.unique_deliveries() == 1  # the receiver sees one item, however often it was tried
    assert queue.deliver_due(now=now + timedelta(days=1)).claimed == 0  # nothing left to send


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    low = [queue.backoff(n, rand=lambda: 0.0) for n in range(1, 12)]
    high = [queue.backoff(n, rand=lambda: 1.0) for n in range(1, 12)]
    assert high[:3] == [30, 60, 120]
    assert low[:3] == [22.5, 45, 90]
    assert max(high) == 3600
    assert all(a < b for a, b in itertools.pairwise(high[:8]))
    # even with jitter, the next wait is longer than the previous one until the cap
    assert all(low[n + 1] > high[n] for n in range(6))
    assert high[8:] == [3600, 3600, 3600]


def test_a_worker_dying_mid_send_loses_nothing(fake: Any, configure: Any, distribute: Any) -> None:
    dest = configure("webhook", {"url": fake.url}, {"secret": "s" * 20})
    b = distribute(title="Tin thử")
    message = OutboundMessage.objects.get(destination=dest, bulletin=b)
    now = timezone.now()
    ((stale_id, stale_token, stale_attempt),) = queue._claim(10, now)  # a worker took it, then hung
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert message.lease_until == now + queue.LEASE
    assert queue.deliver_due(now=now + timedelta(minutes=1)).claimed == 0  # the lease still holds
    assert queue.deliver_due(now=now + queue.LEASE + timedelta(seconds=1)).sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    outcomes = list(
        DeliveryAttempt.objects.filter(message=message).order_by("number").values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.INTERRUPTED, Outcome.SENT]
    assert [r.headers["x-nguon-idempotency-key"] for r in fake.requests] == [message.idempotency_key]
    # the hung worker wakes up and reports: it no longer holds the lease, so the message is left alone
    queue._finish(
        stale_id,
        stale_token,
        stale_attempt,
        result=Result(Outcome.SENT, 200, external_id="late"),
        cancel="",
        now=now + queue.LEASE + timedelta(seconds=5),
        duration_ms=5,
        rand=lambda: 1.0,
        report=queue.DeliveryReport(),
        secrets={},
    )
    message.refresh_from_db()
    assert (message.status, message.external_id) == (MessageStatus.SENT, "")
    outcomes = list(
        DeliveryAttempt.objects.filter(message=message).order_by("number").values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.INTERRUPTED, Outcome.SENT]


def test_two_workers_never_take_the_same_message(fake: Any, configure: Any, distribute: Any) -> None:
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20})
    for n in range(3):
        distribute(title=f"Tin số {n}")
    now = timezone.now()
    first, second = queue._claim(2, now), queue._claim(2, now)
    assert len(first) == 2
    assert len(second) == 1
    assert not {c[0] for c in first} & {c[0] for c in second}


def test_correction_and_withdrawal_follow_the_item_everywhere(
    fake: Any, fake2: Any, configure: Any, distribute: Any, correct: Any, withdraw: Any
) -> None:
    facebook = configure(
        "facebook_page", {"base_url": fake.url, "page_id": "99"}, {"page_access_token": "EAA-1"}
    )
    hook = configure("webhook", {"url": fake2.url}, {"secret": "s" * 20})
    fake.default = Reply(body={"id": "99_1"})
    b = distribute(title="Hội nghị tiếp xúc cử tri")
    assert queue.deliver_due().sent == 2
    assert Delivery.objects.get(bulletin=b, channel=Channel.SOCIAL, revision=b.live_revision).status == (
        DeliveryStatus.DELIVERED
    )
    late = configure("webhook", {"url": fake2.url + "/late"}, {"secret": "t" * 20})  # added after the publish

    fake.default = Reply(body={"success": True})
    b = correct(b, title="Hội nghị tiếp xúc cử tri (đổi giờ)")
    actions = dict(
        OutboundMessage.objects.filter(bulletin=b, revision=b.live_revision).values_list(
            "destination_id", "action"
        )
    )
    assert actions == {facebook.pk: Action.CORRECT, hook.pk: Action.CORRECT, late.pk: Action.PUBLISH}
    social = Delivery.objects.get(bulletin=b, channel=Channel.SOCIAL, revision=b.live_revision)
    assert social.status == DeliveryStatus.PENDING
    assert queue.deliver_due().sent == 3
    social.refresh_from_db()
    assert social.status == DeliveryStatus.DELIVERED  # every destination of the channel has the correction
    assert (fake.requests[-1].method, fake.requests[-1].path) == ("POST", "/99_1")

    withdraw(b, reason="Hoãn hội nghị")
    withdrawals = OutboundMessage.objects.filter(bulletin=b, action=Action.WITHDRAW)
    assert sorted(withdrawals.values_list("destination_id", flat=True)) == sorted(
        [facebook.pk, hook.pk, late.pk]
    )
    assert queue.deliver_due().sent == 3
    assert (fake.requests[-1].method, fake.requests[-1].path) == ("DELETE", "/99_1")
    events = [r.headers["x-nguon-event"] for r in fake2.requests]
    assert events == [
        "bulletin.publish",
        "bulletin.correct",
        "bulletin.publish",
        "bulletin.withdraw",
        "bulletin.withdraw",
    ]


def test_withdrawal_cancels_what_was_not_sent(
    fake: Any, configure: Any, distribute: Any, withdraw: Any
) -> None:
    dest = configure("webhook", {"url": fake.url}, {"secret": "s" * 20})
    fake.default = Reply(status=503)
    b = distribute(title="Tin sẽ bị thu hồi")
    assert queue.deliver_due().retrying == 1
    withdraw(b)
    message = OutboundMessage.objects.get(destination=dest, bulletin=b, action=Action.PUBLISH)
    assert message.status == MessageStatus.CANCELLED
    assert "thu hồi" in message.last_error
    assert not OutboundMessage.objects.filter(bulletin=b, action=Action.WITHDRAW).exists()  # never got there
    assert queue.deliver_due(now=timezone.now() + timedelta(hours=2)).claimed == 0
    assert len(fake.requests) == 1


def test_dead_after_max_attempts_then_resend(
    fake: Any, configure: Any, distribute: Any, make_user: Any, commune: Any, province: Any
) -> None:
    from nguon.accounts.choices import Role

    dest = configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, max_attempts=3)
    fake.default = Reply(status=500)
    b = distribute(title="Tin lỗi")
    message = OutboundMessage.objects.get(destination=dest, bulletin=b)
    now = timezone.now()
    for _ in range(3):
        queue.deliver_due(now=now)
        message.refresh_from_db()
        now = message.next_attempt_at or now
    assert message.status == MessageStatus.DEAD
    assert message.attempts == 3
    assert "HTTP 500" in message.last_error
    assert queue.deliver_due(now=now + timedelta(days=2)).claimed == 0  # dead stays dead

    with pytest.raises(Http404):
        queue.resend(actor=make_user(Role.COMMUNE_EDITOR, unit=commune), message=message)
    operator = make_user(Role.EDITORIAL_BOARD, unit=province)
    queue.resend(actor=operator, message=message)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.cycle) == (MessageStatus.PENDING, 0, 2)
    event = AuditEvent.objects.filter(action="outbound.message.resend").latest("pk")
    assert event.actor_id == operator.pk
    assert event.after == {"status": "pending", "attempts": 0, "cycle": 2}
    fake.default = Reply(body={})
    assert queue.deliver_due().sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    cycles = list(
        DeliveryAttempt.objects.filter(message=message).order_by("pk").values_list("cycle", "outcome")
    )
    assert cycles == [(1, "retryable"), (1, "retryable"), (1, "retryable"), (2, "sent")]
    assert {r.headers["x-nguon-idempotency-key"] for r in fake.requests} == {message.idempotency_key}
    with pytest.raises(ValidationError, match="Chỉ gửi lại được"):
        queue.resend(actor=operator, message=message)


def test_permanent_error_is_dead_at_once(fake: Any, configure: Any, distribute: Any) -> None:
    dest = configure("webhook", {"url": fake.url}, {"secret": "s" * 20})
    fake.default = Reply(status=410, body={"detail": "gone"})
    b = distribute(title="Tin")
    assert queue.deliver_due().dead == 1
    message = OutboundMessage.objects.get(destination=dest, bulletin=b)
    assert message.attempts == 1
    assert "HTTP 410" in message.last_error


def test_rate_limit_per_minute_defers_the_rest(fake: Any, configure: Any, distribute: Any) -> None:
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, rate_limit_per_minute=2)
    for n in range(3):
        distribute(title=f"Tin {n}")
    now = timezone.now()
    assert queue.deliver_due(now=now).sent == 2
    assert queue.deliver_due(now=now + timedelta(seconds=10)).claimed == 0
    assert queue.deliver_due(now=now + timedelta(seconds=61)).sent == 1
    assert len(fake.requests) == 3


def test_destinations_are_chosen_by_channel_unit_category_and_language(
    fake: Any, configure: Any, distribute: Any, commune: Any, category: Any
) -> None:
    from nguon.content.models import Category

    other_category = Category.objects.exclude(pk=category.pk).first()
    assert other_category is not None
    wanted = configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Tỉnh, mạng xã hội")
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Kênh SMS", channel=Channel.SMS)
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Xã", unit=commune)
    configure(
        "webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Lĩnh vực khác", categories=[other_category]
    )
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Tiếng Anh", languages=["en"])
    configure("webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Tắt", is_enabled=False)
    also = configure(
        "webhook", {"url": fake.url}, {"secret": "s" * 20}, name="Đúng lĩnh vực", categories=[category]
    )
    b = distribute(title="Tin của tỉnh")
    got = set(OutboundMessage.objects.filter(bulletin=b).values_list("destination_id", flat=True))
    assert got == {wanted.pk, also.pk}


def test_command_and_task_deliver(fake: Any, configure: Any, distribute: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from nguon.outbound.tasks import deliver_task

    configure("webhook", {"url": fake.url}, {"secret": "s" * 20})
    distribute(title="Tin một")
    out = StringIO()
    call_command("outbound", "deliver", stdout=out)
    assert out.getvalue().strip() == "outbound: 1 sent, 0 to retry, 0 dead, 0 cancelled, 0 deferred"
    distribute(title="Tin hai")
    assert deliver_task.enqueue(limit=10).return_value == 1
    assert len(fake.requests) == 2
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 2
