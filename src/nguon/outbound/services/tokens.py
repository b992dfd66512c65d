"""Renewing a destination's access token (Zalo OA tokens live about 25 hours) and flagging a destination
whose credentials the service refused, so a person re-authorises it.

The refresh runs with the destination row locked: a refresh token is single-use and rotates, so two
workers must not both spend it. The worker that waited finds the token already renewed and uses it. New
tokens are sealed like every credential; the audit trail records that a refresh happened and the new
expiry, never a token.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from nguon.core import access, audit, crypto
from nguon.outbound.choices import Outcome, PluginKind
from nguon.outbound.models import Destination
from nguon.outbound.plugins import Result, get_plugin
from nguon.outbound.services.destinations import PURPOSE, read_credentials

logger = logging.getLogger(__name__)

#: A token this close to its expiry is renewed before sending.
REFRESH_MARGIN = timedelta(minutes=10)


def reauthorize_label(destination: Destination) -> str:
    """What the destinations screen says when a person must grant access again."""
    if destination.kind == PluginKind.ZALO_OA:
        return _("Cần cấp lại quyền truy cập Zalo OA")
    return _("Cần nhập lại thông tin xác thực")


def needs_refresh(destination: Destination, credentials: dict[str, str], now: datetime) -> bool:
    """Whether the access token must be renewed before sending (missing, or about to expire)."""
    if not get_plugin(destination.kind).can_refresh(destination.settings, credentials):
        return False
    if not credentials.get("access_token"):
        return True
    expires = destination.token_expires_at
    return expires is not None and expires - REFRESH_MARGIN <= now


def _scrub(text: str, secrets: dict[str, str]) -> str:
    for value in secrets.values():
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text[:400]


def refresh(
    *, destination: Destination, stale_access_token: str, now: datetime, timeout: float
) -> dict[str, str] | Result:
    """Renew the access token of ``destination`` and store it sealed; returns the new credentials, or a
    retryable :class:`Result` with a Vietnamese error when it could not be renewed (a refusal flags the
    destination for re-authorisation). ``stale_access_token`` is the token the caller found wanting: when
    another worker renewed it meanwhile, the stored one is returned without calling the service."""
    with transaction.atomic():
        row = Destination.objects.select_for_update().select_related("unit").get(pk=destination.pk)
        try:
            credentials = read_credentials(row)
        except crypto.UnreadableSecretError:
            return Result(
                Outcome.PERMANENT,
                error="Không đọc được thông tin xác thực đã lưu (khóa bí mật của hệ thống đã đổi); nhập lại.",
            )
        current = credentials.get("access_token", "")
        if current and current != stale_access_token and not needs_refresh(row, credentials, now):
            _copy(row, destination)
            return credentials  # another worker renewed it while we waited for the lock
        plugin = get_plugin(row.kind)
        if not plugin.can_refresh(row.settings, credentials):
            return Result(Outcome.PERMANENT, error=f"{reauthorize_label(row)}: thiếu mã làm mới.")
        grant = plugin.refresh(settings=row.settings, credentials=credentials, timeout=timeout)
        if isinstance(grant, Result):
            error = _scrub(grant.error, credentials)
            refused = grant.outcome == Outcome.PERMANENT
            if refused:
                _flag(row, f"{reauthorize_label(row)}: {error}")
                _copy(row, destination)
            logger.warning("outbound: token refresh failed for destination %s: %s", row.pk, error)
            return Result(
                Outcome.RETRYABLE,
                grant.http_status,
                error=(
                    f"Không làm mới được mã truy cập ({error})."
                    + (f" {reauthorize_label(row)}." if refused else " Sẽ thử lại.")
                ),
                retry_after=grant.retry_after,
            )
        before = {"token_expires_at": row.token_expires_at, "auth_problem": row.auth_problem}
        renewed = {
            **credentials,
            "access_token": grant.access_token,
            "refresh_token": grant.refresh_token or credentials.get("refresh_token", ""),
        }
        row.credentials_sealed = crypto.seal(json.dumps(renewed, sort_keys=True), purpose=PURPOSE)
        row.token_expires_at = now + timedelta(seconds=grant.expires_in) if grant.expires_in else None
        row.auth_problem = ""
        row.save(update_fields=["credentials_sealed", "token_expires_at", "auth_problem", "updated_at"])
        audit.record(
            actor=access.SYSTEM,
            action="outbound.destination.token_refresh",
            target=row,
            unit=row.unit,
            before=before,
            after={
                "token_expires_at": row.token_expires_at,
                "auth_problem": "",
                "refresh_token_rotated": bool(grant.refresh_token)
                and grant.refresh_token != credentials.get("refresh_token"),
            },
        )
        _copy(row, destination)
    return renewed


def flag(*, destination: Destination, problem: str) -> None:
    """Mark ``destination`` as needing a person to re-authorise it (shown on the destinations screen)."""
    with transaction.atomic():
        row = Destination.objects.select_for_update().select_related("unit").get(pk=destination.pk)
        _flag(row, f"{reauthorize_label(row)}: {problem}")
        _copy(row, destination)


def _flag(row: Destination, problem: str) -> None:
    problem = problem[:500]
    if row.auth_problem == problem:
        return
    before = {"auth_problem": row.auth_problem}
    row.auth_problem = problem
    row.save(update_fields=["auth_problem", "updated_at"])
    audit.record(
        actor=access.SYSTEM,
        action="outbound.destination.reauthorize_needed",
        target=row,
        unit=row.unit,
        before=before,
        after={"auth_problem": problem},
    )


def _copy(row: Destination, destination: Destination) -> None:
    destination.credentials_sealed = row.credentials_sealed
    destination.token_expires_at = row.token_expires_at
    destination.auth_problem = row.auth_problem
