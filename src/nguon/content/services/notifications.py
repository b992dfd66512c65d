"""Telling people what waits for them: in-app notices, also sent by e-mail after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from nguon.content.models import Bulletin, Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    message: str,
    url: str = "",
    bulletin: Bulletin | None = None,
    exclude: Any = None,
) -> list[Notification]:
    """Create one notice per person (skipping ``exclude``, usually the actor) and e-mail them on commit."""
    exclude_pk = getattr(exclude, "pk", None)
    recipients = {u.pk: u for u in users if u.pk is not None and u.pk != exclude_pk}
    created = Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, message=message[:500], url=url, bulletin=bulletin)
            for u in recipients.values()
        ]
    )
    with_mail = [u for u in recipients.values() if u.email]
    if with_mail:
        ids = [n.pk for n in created if n.user_id in {u.pk for u in with_mail}]
        transaction.on_commit(lambda: _send_mail(with_mail, message, url, ids))
    return created


def _send_mail(users: list[Any], message: str, url: str, ids: list[int]) -> None:
    link = f"\n\n{settings.NGUON_PUBLIC_URL.rstrip('/')}{url}" if url else ""
    for user in users:
        try:
            send_mail(
                subject=f"[Nguồn] {message[:120]}",
                message=f"{message}{link}\n\n— Hệ thống thông tin nguồn",
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception:  # a mail server outage must not break the workflow; the in-app notice stays
            logger.exception("could not e-mail notification to user %s", user.pk)
            continue
    Notification.objects.filter(pk__in=[i for i in ids if i is not None]).update(emailed_at=timezone.now())


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notices read (all unread when ``ids`` is None); returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
