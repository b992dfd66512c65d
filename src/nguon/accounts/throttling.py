"""Login throttling: too many failures for one account or from one address lock further attempts.

State lives in the database (:class:`LoginFailure`), not in process memory, so every web worker sees the
same counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from nguon.accounts.models import LoginFailure

#: One address may fail this many times the per-account limit before it is locked too.
ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Lockout:
    locked: bool
    retry_after_seconds: int = 0


def _window() -> timedelta:
    return timedelta(minutes=settings.NGUON_LOGIN_LOCKOUT_MINUTES)


def username_key(username: str) -> str:
    return username.strip().lower()[:150]


def check(*, username: str, ip_address: str | None) -> Lockout:
    """Whether sign-in for ``username`` from ``ip_address`` is locked now, and for how long."""
    now = timezone.now()
    since = now - _window()
    limit = settings.NGUON_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(occurred_at__gte=since)
    for failures, allowed in (
        (recent.filter(username_key=username_key(username)), limit),
        (recent.filter(ip_address=ip_address) if ip_address else recent.none(), limit * ADDRESS_FACTOR),
    ):
        times = list(failures.order_by("-occurred_at").values_list("occurred_at", flat=True)[:allowed])
        if len(times) >= allowed:
            unlock_at = times[-1] + _window()
            return Lockout(True, max(1, int((unlock_at - now).total_seconds())))
    return Lockout(False)


def record_failure(*, username: str, ip_address: str | None, stage: str = "password") -> None:
    LoginFailure.objects.create(
        username_key=username_key(username), ip_address=ip_address, occurred_at=timezone.now(), stage=stage
    )


def clear(*, username: str) -> None:
    """Forget an account's failures after it signs in successfully."""
    LoginFailure.objects.filter(Q(username_key=username_key(username))).delete()


def purge_older_than(days: int = 90) -> int:
    deleted, _ = LoginFailure.objects.filter(occurred_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
