"""Putting messages in the queue: on distribution and withdrawal (from the content signals, after the
commit), and the reconciliation sweep that queues what a lost signal left out.

The receivers run after the approving transaction committed; if queueing fails there (the process is
killed, the database hiccups) nothing would ever queue the item. :func:`reconcile` runs at the start of
every delivery pass and compares, for the bulletins distributed or withdrawn in the last
:data:`RECONCILE_WINDOW`, what should be queued with what is, in a fixed number of set-based queries. The
unique (destination, bulletin, revision, action) constraint makes both paths idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nguon.content.choices import Status
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.outbound.choices import Action, MessageStatus
from nguon.outbound.models import Destination, OutboundMessage

logger = logging.getLogger(__name__)

#: Actions that carry the item's text (a withdrawal does not).
CONTENT_ACTIONS = (Action.PUBLISH, Action.CORRECT)
#: How far back the reconciliation sweep looks, and how many bulletins of each kind it takes at most.
RECONCILE_WINDOW = timedelta(days=7)
RECONCILE_LIMIT = 500


def idempotency_key(destination_id: int, bulletin_id: int, revision: int, action: str) -> str:
    return f"nguon-{destination_id}-{bulletin_id}-r{revision}-{action}"


def destination_matches(destination: Destination, bulletin: Bulletin, categories: Iterable[int]) -> bool:
    """Whether ``destination`` (enabled, with the pks of its category filter) carries ``bulletin``."""
    if not destination.is_enabled or destination.channel not in bulletin.channels:
        return False
    if destination.unit.path not in access.path_prefixes(bulletin.unit.path):
        return False
    allowed = set(categories)
    if allowed and bulletin.category_id not in allowed:
        return False
    return not (destination.languages and bulletin.language not in destination.languages)


def matching_destinations(bulletin: Bulletin) -> list[Destination]:
    """Enabled destinations that carry one of the bulletin's channels, whose unit covers the bulletin's
    unit, and whose category and language filters (when set) let it through."""
    candidates = (
        Destination.objects.filter(
            is_enabled=True,
            channel__in=list(bulletin.channels),
            unit__path__in=access.path_prefixes(bulletin.unit.path),
        )
        .select_related("unit")
        .prefetch_related("categories")
        .order_by("pk")
    )
    return [d for d in candidates if destination_matches(d, bulletin, (c.pk for c in d.categories.all()))]


def _new_message(
    destination: Destination,
    bulletin: Bulletin,
    revision: int,
    action: str,
    *,
    due: datetime | None = None,
    **extra: Any,
) -> bool:
    now = timezone.now()
    _, created = OutboundMessage.objects.get_or_create(
        destination=destination,
        bulletin=bulletin,
        revision=revision,
        action=action,
        defaults={
            "idempotency_key": idempotency_key(destination.pk, bulletin.pk, revision, action),
            "next_attempt_at": min(due, now) if due is not None else now,
            **extra,
        },
    )
    return created


def _had_item(bulletin: Bulletin) -> set[int]:
    """Destinations that got (or are being sent) the item."""
    return set(
        OutboundMessage.objects.filter(
            bulletin=bulletin,
            action__in=CONTENT_ACTIONS,
            status__in=[MessageStatus.SENT, MessageStatus.SENDING],
        ).values_list("destination_id", flat=True)
    )


def enqueue_distribution(
    *, bulletin_id: int, revision: int, only: set[int] | None = None, due: datetime | None = None
) -> int:
    """A revision went live: publish it where it was never sent, correct it where it was. Returns the
    number of messages queued. Older unsent revisions are cancelled. ``only`` limits the destinations
    (the reconciliation sweep queues just what is missing); ``due``: due no later than this."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_related("unit").filter(pk=bulletin_id).first()
        if bulletin is None or bulletin.live_revision != revision or bulletin.status == Status.WITHDRAWN:
            return 0
        OutboundMessage.objects.filter(
            bulletin=bulletin,
            revision__lt=revision,
            action__in=CONTENT_ACTIONS,
            status__in=[MessageStatus.PENDING, MessageStatus.FAILED],
        ).update(status=MessageStatus.CANCELLED, last_error="Đã có phiên bản mới hơn của bản tin.")
        had = _had_item(bulletin)
        targets = {d.pk: d for d in matching_destinations(bulletin)}
        # every destination that had the item gets the correction, even if it would no longer match
        targets.update({d.pk: d for d in Destination.objects.filter(pk__in=had, is_enabled=True)})
        count = 0
        for pk in sorted(targets):
            if only is not None and pk not in only:
                continue
            action = Action.CORRECT if pk in had else Action.PUBLISH
            count += _new_message(targets[pk], bulletin, revision, action, due=due)
    return count


def enqueue_withdrawal(*, bulletin_id: int, reason: str, due: datetime | None = None) -> int:
    """A bulletin was withdrawn: cancel what was not sent, and withdraw it wherever it went."""
    with transaction.atomic():
        bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
        if bulletin is None:
            return 0
        OutboundMessage.objects.filter(
            bulletin=bulletin,
            action__in=CONTENT_ACTIONS,
            status__in=[MessageStatus.PENDING, MessageStatus.FAILED],
        ).update(status=MessageStatus.CANCELLED, last_error="Bản tin đã bị thu hồi.")
        revision = bulletin.live_revision or bulletin.revision
        count = 0
        for destination in Destination.objects.filter(pk__in=_had_item(bulletin)).order_by("pk"):
            count += _new_message(
                destination, bulletin, revision, Action.WITHDRAW, due=due, reason=reason[:500]
            )
    return count


# -- reconciliation -------------------------------------------------------------------------------------


@dataclass
class Reconciliation:
    """What one :func:`reconcile` sweep queued."""

    published: int = 0  # publish or correct messages of a live revision
    withdrawn: int = 0  # withdraw messages

    @property
    def queued(self) -> int:
        return self.published + self.withdrawn


def _withdraw_reason(bulletin_id: int) -> str:
    """The reason given when the bulletin was withdrawn (from the audit trail of the workflow)."""
    event = (
        AuditEvent.objects.filter(action="content.bulletin.withdraw", target_id=str(bulletin_id))
        .order_by("-seq")
        .only("after")
        .first()
    )
    after = event.after if event is not None and isinstance(event.after, dict) else {}
    return str(after.get("comment") or "")


def reconcile(*, now: datetime | None = None) -> Reconciliation:
    """Queue what the signals should have queued for recent bulletins and did not.

    - A live bulletin (distributed within the window, not withdrawn) whose live revision has no
      publish/correct message for a destination that should carry it: an enabled destination that matches
      it and existed when the revision went live (a destination added later does not get the backlog), or
      one that had the item before (it gets the correction).
    - A withdrawn bulletin (within the window) with a destination that got the item and has no withdraw
      message.
    """
    now = now or timezone.now()
    since = now - RECONCILE_WINDOW
    live = list(
        Bulletin.objects.filter(live_revision__isnull=False, distributed_at__gte=since)
        .exclude(status=Status.WITHDRAWN)
        .select_related("unit")
        .only("pk", "unit__path", "channels", "category_id", "language", "live_revision", "distributed_at")
        .order_by("-distributed_at", "-pk")[:RECONCILE_LIMIT]
    )
    withdrawn = list(
        Bulletin.objects.filter(status=Status.WITHDRAWN, withdrawn_at__gte=since)
        .only("pk")
        .order_by("-withdrawn_at", "-pk")[:RECONCILE_LIMIT]
    )
    result = Reconciliation()
    if not live and not withdrawn:
        return result
    content: dict[tuple[int, int], set[int]] = {}  # (bulletin, destination) → revisions with a message
    had: dict[int, set[int]] = {}  # bulletin → destinations that got (or are being sent) the item
    withdraws: dict[int, set[int]] = {}  # bulletin → destinations with a withdraw message
    rows = OutboundMessage.objects.filter(bulletin_id__in=[b.pk for b in live + withdrawn]).values_list(
        "bulletin_id", "destination_id", "revision", "action", "status"
    )
    for bulletin_id, destination_id, revision, action, status in rows:
        if action == Action.WITHDRAW:
            withdraws.setdefault(bulletin_id, set()).add(destination_id)
            continue
        content.setdefault((bulletin_id, destination_id), set()).add(revision)
        if status in (MessageStatus.SENT, MessageStatus.SENDING):
            had.setdefault(bulletin_id, set()).add(destination_id)
    if live:
        destinations = list(
            Destination.objects.filter(is_enabled=True)
            .select_related("unit")
            .prefetch_related("categories")
            .order_by("pk")
        )
        for bulletin in live:
            assert bulletin.live_revision is not None
            assert bulletin.distributed_at is not None
            should = {
                d.pk
                for d in destinations
                if d.created_at <= bulletin.distributed_at
                and destination_matches(d, bulletin, (c.pk for c in d.categories.all()))
            } | {d.pk for d in destinations if d.pk in had.get(bulletin.pk, set())}
            missing = {
                pk for pk in should if bulletin.live_revision not in content.get((bulletin.pk, pk), set())
            }
            if missing:
                result.published += enqueue_distribution(
                    bulletin_id=bulletin.pk, revision=bulletin.live_revision, only=missing, due=now
                )
    for bulletin in withdrawn:
        if had.get(bulletin.pk, set()) - withdraws.get(bulletin.pk, set()):
            result.withdrawn += enqueue_withdrawal(
                bulletin_id=bulletin.pk, reason=_withdraw_reason(bulletin.pk), due=now
            )
    if result.queued:
        logger.warning(
            "outbound: reconciliation queued %s message(s) a lost signal had left out", result.queued
        )
    return result
