"""The durable per-destination queue: enqueue on distribution and withdrawal, deliver, retry, resend.

Life of a message: ``pending`` → (claimed by a worker: ``sending`` with a lease) → ``sent``, or ``failed``
(retried at ``next_attempt_at``: exponential backoff with jitter, base 30 s, cap 1 h, never sooner than a
``Retry-After``) → ``dead`` after ``max_attempts`` or a permanent error. A worker that dies mid-send leaves
the message ``sending``; when the lease expires another worker takes it again, marks the unfinished
attempt *interrupted* and sends again with the same idempotency key. ``cancelled``: a newer revision or
a withdrawal made it pointless.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nguon.content.choices import DeliveryStatus, Status
from nguon.content.models import Delivery
from nguon.content.services.distribution import PER_COMMUNE_CHANNELS
from nguon.core import access, audit, crypto
from nguon.outbound.choices import Action, MessageStatus, Outcome
from nguon.outbound.formatting import build_item
from nguon.outbound.models import DeliveryAttempt, OutboundMessage
from nguon.outbound.plugins import Result, get_plugin
from nguon.outbound.services import tokens
from nguon.outbound.services.destinations import read_credentials
from nguon.outbound.services.enqueue import CONTENT_ACTIONS, reconcile

logger = logging.getLogger(__name__)

BACKOFF_BASE = 30.0
BACKOFF_CAP = 3600.0
RETRY_AFTER_CAP = 6 * 3600.0
LEASE = timedelta(minutes=5)
DEFAULT_TIMEOUT = 15.0
#: When a message must wait for an earlier one of the same destination still being sent.
WAIT_FOR_EARLIER = timedelta(seconds=30)
_CONTENT = CONTENT_ACTIONS


def backoff(attempt: int, *, rand: Callable[[], float] = random.random) -> float:
    """Seconds before retry number ``attempt`` + 1: 30 s doubling to 1 h, with up to 25 % jitter below."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempt - 1))
    return float(base * (0.75 + 0.25 * rand()))


# -- deliver --------------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` pass did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    cancelled: int = 0
    deferred: int = 0
    reconciled: int = 0  # messages the reconciliation sweep queued before this pass
    message_ids: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.dead + self.cancelled + self.deferred


def _claim(limit: int, now: datetime) -> list[tuple[int, str, int]]:
    """Take up to ``limit`` due messages (skipping rows another worker holds) and lease them; returns
    (message id, lease token, attempt id) for each."""
    claimed: list[tuple[int, str, int]] = []
    with transaction.atomic():
        due = (
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now)
                | Q(status=MessageStatus.SENDING, lease_until__lt=now),
                destination__is_enabled=True,
            )
            .select_related("destination")
            .order_by("next_attempt_at", "pk")[:limit]
        )
        used: dict[int, int] = {}
        for message in due:
            destination = message.destination
            if message.status == MessageStatus.SENDING:  # a worker died mid-send: its lease ran out
                DeliveryAttempt.objects.filter(message=message, outcome=Outcome.IN_PROGRESS).update(
                    outcome=Outcome.INTERRUPTED,
                    error="Tiến trình gửi dừng giữa chừng; gửi lại với cùng mã chống trùng.",
                )
            if destination.pk not in used:
                used[destination.pk] = DeliveryAttempt.objects.filter(
                    message__destination=destination, started_at__gt=now - timedelta(minutes=1)
                ).count()
            if used[destination.pk] >= destination.rate_limit_per_minute:
                message.next_attempt_at = now + timedelta(seconds=60)
                if message.status == MessageStatus.SENDING:
                    message.status = MessageStatus.FAILED
                message.save(update_fields=["next_attempt_at", "status"])
                continue
            used[destination.pk] += 1
            message.status = MessageStatus.SENDING
            message.lease_until = now + LEASE
            message.lease_token = uuid.uuid4().hex
            message.attempts += 1
            message.save(update_fields=["status", "lease_until", "lease_token", "attempts"])
            attempt = DeliveryAttempt.objects.create(
                message=message, number=message.attempts, cycle=message.cycle, started_at=now
            )
            claimed.append((message.pk, message.lease_token, attempt.pk))
    return claimed


def _earlier_sent(message: OutboundMessage) -> tuple[OutboundMessage | None, bool]:
    """The last content message of this destination and bulletin that was sent, and whether one is
    still being sent."""
    others = OutboundMessage.objects.filter(
        destination_id=message.destination_id, bulletin_id=message.bulletin_id, action__in=_CONTENT
    ).exclude(pk=message.pk)
    sent = others.filter(status=MessageStatus.SENT).order_by("-revision", "-sent_at").first()
    in_flight = others.filter(status=MessageStatus.SENDING).exists()
    return sent, in_flight


def _plan(message: OutboundMessage) -> tuple[str, str] | str | None:
    """(action to perform, external id), or a reason to cancel (str), or None to wait for an earlier one."""
    bulletin = message.bulletin
    if message.action == Action.WITHDRAW:
        sent, in_flight = _earlier_sent(message)
        if sent is None:
            return None if in_flight else "Bản tin chưa từng được gửi tới nơi nhận này."
        return Action.WITHDRAW, sent.external_id
    if bulletin.status == Status.WITHDRAWN or bulletin.live_revision is None:
        return "Bản tin đã bị thu hồi."
    if message.revision != bulletin.live_revision:
        return "Đã có phiên bản mới hơn của bản tin."
    return _plan_content(message)


def _plan_content(message: OutboundMessage) -> tuple[str, str] | None:
    if message.action != Action.CORRECT:
        return Action.PUBLISH, ""
    sent, in_flight = _earlier_sent(message)
    if sent is not None:
        return Action.CORRECT, sent.external_id
    # the first publish never arrived: publish the corrected text (or wait for one still being sent)
    return None if in_flight else (Action.PUBLISH, "")


def _scrub(text: str, secrets: dict[str, str]) -> str:
    for value in secrets.values():
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text[:2000]


def _send(
    message: OutboundMessage, action: str, external_id: str, now: datetime
) -> tuple[Result, dict[str, str]]:
    """Send through the plug-in. An access token about to expire is renewed first; one the service
    refuses is renewed once and the send tried again (when the plug-in can renew it)."""
    destination = message.destination
    try:
        credentials = read_credentials(destination)
    except crypto.UnreadableSecretError:
        return (
            Result(
                Outcome.PERMANENT,
                error="Không đọc được thông tin xác thực đã lưu (khóa bí mật của hệ thống đã đổi); nhập lại.",
            ),
            {},
        )
    secrets = dict(credentials)
    item = build_item(
        message.bulletin,
        action=action,
        idempotency_key=message.idempotency_key,
        external_id=external_id,
        reason=message.reason,
    )
    timeout = float(destination.settings.get("timeout", DEFAULT_TIMEOUT))
    plugin = get_plugin(destination.kind)
    refreshed = False
    try:
        if tokens.needs_refresh(destination, credentials, now):
            renewed = tokens.refresh(
                destination=destination,
                stale_access_token=credentials.get("access_token", ""),
                now=now,
                timeout=timeout,
            )
            if isinstance(renewed, Result):
                expires = destination.token_expires_at
                if not (credentials.get("access_token") and expires is not None and expires > now):
                    return renewed, secrets
                # the current token still works for a few minutes: use it, renew on a later pass
            else:
                credentials, refreshed = renewed, True
                secrets.update({f"new_{k}": v for k, v in renewed.items()})
        result = plugin.send(item, settings=destination.settings, credentials=credentials, timeout=timeout)
        if result.token_rejected:
            if refreshed or not plugin.can_refresh(destination.settings, credentials):
                tokens.flag(destination=destination, problem=_scrub(result.error, secrets))
                return result, secrets
            renewed = tokens.refresh(
                destination=destination,
                stale_access_token=credentials.get("access_token", ""),
                now=now,
                timeout=timeout,
            )
            if isinstance(renewed, Result):
                return renewed, secrets
            credentials = renewed
            secrets.update({f"new_{k}": v for k, v in renewed.items()})
            result = plugin.send(
                item, settings=destination.settings, credentials=credentials, timeout=timeout
            )
            if result.token_rejected:
                tokens.flag(destination=destination, problem=_scrub(result.error, secrets))
    except Exception as error:  # a plug-in bug must not lose the message: retried, then dead
        logger.exception("outbound plug-in %s failed on message %s", destination.kind, message.pk)
        result = Result(Outcome.RETRYABLE, error=f"Lỗi trong Nguồn khi gửi ({type(error).__name__}).")
    return result, secrets


def _mark_deliveries(message: OutboundMessage, now: datetime) -> None:
    """Content ``Delivery`` rows of the channel become delivered once every destination has the revision."""
    channel = message.destination.channel
    if channel in PER_COMMUNE_CHANNELS:
        return
    siblings = OutboundMessage.objects.filter(
        bulletin_id=message.bulletin_id,
        revision=message.revision,
        action__in=_CONTENT,
        destination__channel=channel,
    ).exclude(status=MessageStatus.CANCELLED)
    if siblings.exclude(status=MessageStatus.SENT).exists():
        return
    Delivery.objects.filter(
        bulletin_id=message.bulletin_id,
        channel=channel,
        revision=message.revision,
        status=DeliveryStatus.PENDING,
    ).update(status=DeliveryStatus.DELIVERED, delivered_at=now)


def _finish(
    message_id: int,
    token: str,
    attempt_id: int,
    *,
    result: Result | None,
    cancel: str,
    now: datetime,
    duration_ms: int | None,
    rand: Callable[[], float],
    report: DeliveryReport,
    secrets: dict[str, str],
) -> None:
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().select_related("destination").get(pk=message_id)
        attempt = DeliveryAttempt.objects.filter(pk=attempt_id).first()
        if message.lease_token != token:  # our lease ran out and another worker took the message
            if attempt is not None and result is not None:
                attempt.outcome, attempt.error = (
                    Outcome.INTERRUPTED,
                    "Hết thời hạn giữ tin; tin đã được giao lại.",
                )
                attempt.save(update_fields=["outcome", "error"])
            return
        message.lease_until, message.lease_token = None, ""
        fields = ["status", "lease_until", "lease_token", "last_error", "next_attempt_at"]
        if result is None:
            if cancel:
                message.status, message.last_error = MessageStatus.CANCELLED, cancel
                report.cancelled += 1
            else:  # an earlier message of this destination is still being sent
                message.status, message.next_attempt_at = MessageStatus.PENDING, now + WAIT_FOR_EARLIER
                message.attempts = max(0, message.attempts - 1)
                fields.append("attempts")
                report.deferred += 1
            message.save(update_fields=fields)
            if attempt is not None:
                attempt.delete()  # nothing was sent: not an attempt
            return
        error = _scrub(result.error, secrets)
        retry_at = None
        if result.outcome == Outcome.SENT:
            message.status, message.last_error, message.sent_at = MessageStatus.SENT, "", now
            message.external_id = result.external_id[:200] or message.external_id
            fields += ["sent_at", "external_id"]
            report.sent += 1
        elif result.outcome in (Outcome.RETRYABLE, Outcome.RATE_LIMITED) and (
            message.attempts < message.destination.max_attempts
        ):
            wait = backoff(message.attempts, rand=rand)
            if result.retry_after is not None:
                wait = max(wait, min(result.retry_after, RETRY_AFTER_CAP))
            retry_at = now + timedelta(seconds=wait)
            message.status, message.last_error, message.next_attempt_at = (
                MessageStatus.FAILED,
                error,
                retry_at,
            )
            report.retrying += 1
        else:
            message.status, message.last_error = MessageStatus.DEAD, error
            report.dead += 1
        message.save(update_fields=fields)
        if attempt is not None:
            attempt.outcome, attempt.error, attempt.retry_at = result.outcome, error, retry_at
            attempt.http_status, attempt.duration_ms = result.http_status, duration_ms
            attempt.save(update_fields=["outcome", "error", "retry_at", "http_status", "duration_ms"])
        if message.status == MessageStatus.SENT and message.action != Action.WITHDRAW:
            _mark_deliveries(message, now)


def deliver_due(
    *, limit: int = 50, now: datetime | None = None, rand: Callable[[], float] = random.random
) -> DeliveryReport:
    """Queue what a lost signal left out (:func:`reconcile`), then send the messages that are due (several
    workers may run this at once). ``now`` and ``rand`` are injectable so tests move the clock instead of
    waiting."""
    now = now or timezone.now()
    report = DeliveryReport()
    try:  # what a lost signal left out is queued first; a failure here must not stop delivery
        report.reconciled = reconcile(now=now).queued
    except Exception:
        logger.exception("outbound: the reconciliation sweep failed")
    for message_id, token, attempt_id in _claim(limit, now):
        report.message_ids.append(message_id)
        message = OutboundMessage.objects.select_related(
            "destination", "bulletin__unit", "bulletin__category"
        ).get(pk=message_id)
        plan = _plan(message)
        result: Result | None = None
        secrets: dict[str, str] = {}
        cancel, duration = "", None
        if isinstance(plan, str):
            cancel = plan
        elif plan is not None:
            started = time.monotonic()
            result, secrets = _send(message, *plan, now)
            duration = int((time.monotonic() - started) * 1000)
        _finish(
            message_id,
            token,
            attempt_id,
            result=result,
            cancel=cancel,
            now=now,
            duration_ms=duration,
            rand=rand,
            report=report,
            secrets=secrets,
        )
    return report


# -- resend ---------------------------------------------------------------------------------------------


def resend(*, actor: Any, message: OutboundMessage) -> OutboundMessage:
    """Start a new cycle of attempts for a dead or failing message (same idempotency key)."""
    access.require(actor, access.OUTBOUND_OPERATE, unit=message.destination.unit)
    with transaction.atomic():
        row = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if row.status not in (MessageStatus.DEAD, MessageStatus.FAILED):
            raise ValidationError("Chỉ gửi lại được tin bị lỗi hoặc đã hỏng (hết số lần thử).")
        before = {"status": row.status, "attempts": row.attempts, "cycle": row.cycle}
        row.status = MessageStatus.PENDING
        row.attempts = 0
        row.cycle += 1
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "attempts", "cycle", "next_attempt_at"])
        audit.record(
            actor=actor,
            action="outbound.message.resend",
            target=row,
            unit=message.destination.unit,
            before=before,
            after={"status": row.status, "attempts": 0, "cycle": row.cycle},
        )
    return row
