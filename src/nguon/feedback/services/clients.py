"""API clients: programs allowed to submit feedback (Open311 ``api_key``, the central mobile app).

A key is shown once, when it is created; only its SHA-256 is stored (the key is 256 random bits, so a
plain hash is enough and survives a change of the installation's secret key). A revoked client's key is
refused from then on; its past feedback keeps the link to it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.feedback.choices import Channel, EventKind
from nguon.feedback.models import ApiClient, Feedback
from nguon.feedback.services.events import add_event
from nguon.feedback.services.intake import FeedbackInput, submit_feedback
from nguon.units.models import AdministrativeUnit

KEY_PREFIX = "ng311_"
MAX_MEDIA_URL = 500
MAX_ATTRIBUTES = 20
#: Channels a client program may submit on.
CLIENT_CHANNELS = frozenset({Channel.OPEN311, Channel.API, Channel.MOBILE_APP})


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _province() -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(path=f"{settings.NGUON_PROVINCE_CODE}/").first()


def _require_configure(actor: Any) -> AdministrativeUnit | None:
    province = _province()
    access.require(actor, access.FEEDBACK_CONFIGURE, unit=province)
    return province


def create_api_client(*, actor: Any, name: str, channel: str = Channel.OPEN311) -> tuple[ApiClient, str]:
    """Register a client program; return it with its key (the only time the key is available)."""
    province = _require_configure(actor)
    name = nfc(name or "")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Nhập tên ứng dụng."
    elif len(name) > 200:
        errors["name"] = "Tên ứng dụng dài quá 200 ký tự."
    if channel not in CLIENT_CHANNELS:
        errors["channel"] = "Kênh không hợp lệ (open311, api hoặc mobile_app)."
    if errors:
        raise ValidationError(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name, key_hash=hash_key(key), key_prefix=key[: len(KEY_PREFIX) + 2], channel=channel
        )
        audit.record(
            actor=actor,
            action="feedback.api_client.create",
            target=client,
            unit=province,
            after={"name": client.name, "channel": client.channel, "key_prefix": client.key_prefix},
        )
    return client, key


def revoke_api_client(*, actor: Any, client: ApiClient) -> ApiClient:
    """Refuse the client's key from now on (idempotent)."""
    province = _require_configure(actor)
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            return client
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="feedback.api_client.revoke",
            target=client,
            unit=province,
            after={"name": client.name, "revoked_at": client.revoked_at},
        )
    return client


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding ``key``, or None (unknown, malformed or revoked)."""
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    digest = hash_key(key)
    client = ApiClient.objects.filter(key_hash=digest, revoked_at__isnull=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, digest):
        return None
    return client


def submit_as_client(
    *,
    client: ApiClient,
    data: FeedbackInput,
    channel: str,
    ip_address: str = "",
    media_url: str = "",
    attributes: dict[str, str] | None = None,
) -> Feedback:
    """Receive feedback sent by a client program (Open311 ``POST requests``).

    ``media_url`` and the Open311 ``attribute[...]`` values are kept as an internal note for the handler;
    the URL is never fetched. Everything is stored in one transaction with the feedback itself.
    """
    media_url = (media_url or "").strip()
    if media_url and (len(media_url) > MAX_MEDIA_URL or not media_url.startswith(("http://", "https://"))):
        raise ValidationError({"media_url": "Địa chỉ ảnh (media_url) phải là http(s) và dưới 500 ký tự."})
    pairs = [(nfc(str(k))[:64], nfc(str(v))[:200]) for k, v in (attributes or {}).items()][:MAX_ATTRIBUTES]
    external_id = (data.external_id or "").strip()[:100]
    replay = (
        bool(external_id) and Feedback.objects.filter(api_client=client, external_id=external_id).exists()
    )
    with transaction.atomic():
        feedback = submit_feedback(
            actor=access.SystemActor(f"api-client:{client.name}"[:200]),
            data=data,
            channel=channel,
            ip_address=ip_address,
            api_client=client,
        )
        lines = []
        if media_url:
            lines.append(f"Ứng dụng gửi kèm ảnh tại địa chỉ (hệ thống không tự tải về): {media_url}")
        if pairs:
            lines.append("Thuộc tính: " + "; ".join(f"{k} = {v}" for k, v in pairs))
        if lines and not replay:
            add_event(feedback=feedback, kind=EventKind.NOTE, message="\n".join(lines))
    return feedback
