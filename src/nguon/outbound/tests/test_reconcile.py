"""The reconciliation sweep: what a lost distribution or withdrawal signal left out is queued exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nguon.content import signals
from nguon.outbound import receivers
from nguon.outbound.choices import Action, MessageStatus
from nguon.outbound.models import OutboundMessage
from nguon.outbound.services import enqueue, queue
from nguon.outbound.tests.conftest import Reply

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "bi-mat-webhook-16-ky-tu"


@contextmanager
def lost(which: str) -> Iterator[None]:
    """The receiver of one content signal is not connected (the process died after the commit)."""
    receiver: Callable[..., None]
    if which == "distributed":
        signal, receiver, uid = signals.bulletin_distributed, receivers.on_distributed, "outbound.distributed"
    else:
        signal, receiver, uid = signals.bulletin_withdrawn, receivers.on_withdrawn, "outbound.withdrawn"
    assert signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        signal.connect(receiver, dispatch_uid=uid)


def _rows(bulletin: Any) -> list[tuple[int, int, str, str]]:
    return sorted(
        OutboundMessage.objects.filter(bulletin=bulletin).values_list(
            "destination_id", "revision", "action", "status"
        )
    )


def test_a_lost_distribution_is_queued_once_and_only_where_it_should(
    fake: Any, configure: Any, distribute: Any
) -> None:
    hook = configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    with lost("distributed"):
        b = distribute(title="Lịch tiêm chủng tháng 12")
    assert _rows(b) == []  # the signal never reached the outbound app
    # a destination added after the revision went live does not get the backlog
    configure("webhook", {"url": fake.url + "/moi"}, {"secret": WEBHOOK_SECRET}, name="Webhook mới")

    done = enqueue.reconcile()
    assert (done.published, done.withdrawn) == (1, 0)
    assert _rows(b) == [(hook.pk, 1, Action.PUBLISH, MessageStatus.PENDING)]
    message = OutboundMessage.objects.get(bulletin=b)
    assert message.idempotency_key == f"nguon-{hook.pk}-{b.pk}-r1-publish"
    assert enqueue.reconcile().queued == 0  # a second sweep adds nothing
    assert OutboundMessage.objects.filter(bulletin=b).count() == 1

    assert queue.deliver_due().sent == 1
    assert [r.json()["item"]["title"] for r in fake.requests] == ["Lịch tiêm chủng tháng 12"]
    assert enqueue.reconcile().queued == 0


def test_a_receiver_that_fails_after_commit_is_made_good_by_the_next_delivery_pass(
    fake: Any, configure: Any, distribute: Any, monkeypatch: Any, caplog: Any
) -> None:
    hook = configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})

    def hiccup(**kwargs: Any) -> int:
        raise ConnectionError("database went away")

    monkeypatch.setattr(enqueue, "enqueue_distribution", hiccup)
    b = distribute(title="Thông báo nghỉ lễ")  # the approval itself succeeds
    assert "could not queue bulletin" in caplog.text
    assert _rows(b) == []
    monkeypatch.undo()

    report = queue.deliver_due()  # every pass sweeps first
    assert (report.reconciled, report.sent) == (1, 1)
    assert _rows(b) == [(hook.pk, 1, Action.PUBLISH, MessageStatus.SENT)]
    assert fake.unique_deliveries() == 1
    assert queue.deliver_due().claimed == 0
    assert OutboundMessage.objects.filter(bulletin=b).count() == 1


def test_deleted_correction_rows_are_queued_again_as_a_correction(
    fake: Any, configure: Any, distribute: Any, correct: Any
) -> None:
    hook = configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    fake.default = Reply(body={"id": "ext-42"})
    b = distribute(title="Giá nước sạch")
    assert queue.deliver_due().sent == 1
    b = correct(b, title="Giá nước sạch (đã sửa)")
    assert b.live_revision == 2
    deleted, _ = OutboundMessage.objects.filter(bulletin=b, revision=2).delete()
    assert deleted == 1

    assert enqueue.reconcile().published == 1
    assert enqueue.reconcile().queued == 0
    assert _rows(b) == [
        (hook.pk, 1, Action.PUBLISH, MessageStatus.SENT),
        (hook.pk, 2, Action.CORRECT, MessageStatus.PENDING),
    ]
    assert queue.deliver_due().sent == 1
    sent = fake.requests[-1]
    assert sent.headers["x-nguon-event"] == "bulletin.correct"
    assert sent.json()["external_id"] == "ext-42"
    assert sent.json()["item"]["title"] == "Giá nước sạch (đã sửa)"


def test_a_lost_withdrawal_is_queued_once_with_its_reason(
    fake: Any, configure: Any, distribute: Any, withdraw: Any
) -> None:
    hook = configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    b = distribute(title="Tin sai")
    assert queue.deliver_due().sent == 1
    with lost("withdrawn"):
        withdraw(b, reason="Số liệu chưa được kiểm chứng")
    assert not OutboundMessage.objects.filter(bulletin=b, action=Action.WITHDRAW).exists()

    done = enqueue.reconcile()
    assert (done.published, done.withdrawn) == (0, 1)
    assert enqueue.reconcile().queued == 0
    message = OutboundMessage.objects.get(bulletin=b, action=Action.WITHDRAW)
    assert (message.destination_id, message.reason) == (hook.pk, "Số liệu chưa được kiểm chứng")
    assert queue.deliver_due().sent == 1
    assert fake.requests[-1].headers["x-nguon-event"] == "bulletin.withdraw"
    assert fake.requests[-1].json()["reason"] == "Số liệu chưa được kiểm chứng"
    assert OutboundMessage.objects.filter(bulletin=b, action=Action.WITHDRAW).count() == 1


def test_a_withdrawn_bulletin_that_never_went_out_needs_no_withdrawal(
    fake: Any, configure: Any, distribute: Any, withdraw: Any
) -> None:
    configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    b = distribute(title="Tin chưa gửi")
    with lost("withdrawn"):
        withdraw(b)
    assert enqueue.reconcile().queued == 0
    assert [s for *_, s in _rows(b)] == [MessageStatus.PENDING]  # the cancellation was lost too
    assert queue.deliver_due().cancelled == 1  # the worker cancels the stale publish instead of sending
    assert fake.requests == []


def test_the_sweep_only_looks_back_seven_days(fake: Any, configure: Any, distribute: Any) -> None:
    configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    with lost("distributed"):
        b = distribute(title="Tin cũ")
    later = timezone.now() + enqueue.RECONCILE_WINDOW + timedelta(minutes=1)
    assert enqueue.reconcile(now=later).queued == 0
    assert _rows(b) == []
    assert enqueue.reconcile(now=later - timedelta(minutes=2)).queued == 1


def test_reconcile_command(fake: Any, configure: Any, distribute: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    configure("webhook", {"url": fake.url}, {"secret": WEBHOOK_SECRET})
    with lost("distributed"):
        b = distribute(title="Tin lạc")
    out = StringIO()
    call_command("outbound", "reconcile", stdout=out)
    assert out.getvalue().strip() == "outbound: 1 to publish or correct, 0 to withdraw"
    assert OutboundMessage.objects.filter(bulletin=b).count() == 1
