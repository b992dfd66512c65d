"""Creating and changing outbound destinations; credentials are sealed and never read back to people."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.content.choices import Channel, Language
from nguon.content.models import Category
from nguon.core import access, audit, crypto
from nguon.core.text import nfc
from nguon.outbound.choices import PluginKind
from nguon.outbound.models import Destination
from nguon.outbound.plugins import get_plugin
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

PURPOSE = "outbound"
_AUDITED = (
    "name",
    "kind",
    "channel",
    "unit",
    "languages",
    "settings",
    "is_enabled",
    "rate_limit_per_minute",
    "max_attempts",
)
#: Channels an outbound destination may carry (radio and e-boards have their own issues).
OUTBOUND_CHANNELS = (Channel.SOCIAL, Channel.SMS, Channel.PORTAL)


@dataclass
class DestinationInput:
    """What an administrator fills in. ``credentials``: only the fields typed in are replaced (an empty
    value keeps the stored one); ``clear_credentials`` forgets all of them first."""

    name: str
    kind: str
    channel: str
    unit: AdministrativeUnit | None
    settings: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    clear_credentials: bool = False
    categories: list[Category] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    is_enabled: bool = True
    rate_limit_per_minute: int = 30
    max_attempts: int = 8


def read_credentials(destination: Destination) -> dict[str, str]:
    """The unsealed credentials (for the transport only; never shown, logged or audited)."""
    if not destination.credentials_sealed:
        return {}
    data = json.loads(crypto.unseal(destination.credentials_sealed, purpose=PURPOSE))
    return {str(k): str(v) for k, v in data.items()}


def _validate(data: DestinationInput, credentials: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not nfc(data.name):
        errors["name"] = ["Thiếu tên nơi nhận."]
    if data.kind not in PluginKind.values:
        errors["kind"] = ["Loại kênh không hợp lệ."]
    if data.channel not in OUTBOUND_CHANNELS:
        errors["channel"] = ["Kênh nội dung phải là Mạng xã hội/Zalo, Tin nhắn SMS hoặc Cổng thông tin."]
    if data.unit is None:
        errors["unit"] = ["Chọn tỉnh hoặc xã, phường mà nơi nhận này phục vụ."]
    elif data.unit.level not in (UnitLevel.PROVINCE, UnitLevel.COMMUNE) or not data.unit.is_current:
        errors["unit"] = ["Đơn vị phải là tỉnh hoặc xã, phường hiện hành."]
    bad_languages = [code for code in data.languages if code not in Language.values]
    if bad_languages:
        errors["languages"] = ["Ngôn ngữ không hợp lệ: " + ", ".join(bad_languages)]
    if not 1 <= data.rate_limit_per_minute <= 6000:
        errors["rate_limit_per_minute"] = ["Giới hạn mỗi phút phải từ 1 đến 6000."]
    if not 1 <= data.max_attempts <= 50:
        errors["max_attempts"] = ["Số lần thử tối đa phải từ 1 đến 50."]
    if not isinstance(data.settings, dict):
        errors["settings"] = ["Cấu hình phải là một đối tượng JSON."]
    elif data.kind in PluginKind.values:
        for name, message in get_plugin(data.kind).validate(data.settings, credentials).items():
            errors.setdefault(name, []).append(message)
    return errors


def save_destination(
    *, actor: Any, data: DestinationInput, destination: Destination | None = None
) -> Destination:
    """Create a destination (``destination`` None) or change one; seals the credentials typed in."""
    if data.unit is not None:
        access.require(actor, access.OUTBOUND_CONFIGURE, unit=data.unit)
    if destination is not None:
        access.require(actor, access.OUTBOUND_CONFIGURE, unit=destination.unit)
    stored: dict[str, str] = {}
    if destination is not None and not data.clear_credentials:
        try:
            stored = read_credentials(destination)
        except crypto.UnreadableSecretError:
            stored = {}  # the secret key changed: what is typed now replaces it
    typed = {k: str(v).strip() for k, v in data.credentials.items() if str(v).strip()}
    credentials = {**stored, **typed}
    errors = _validate(data, credentials)
    if errors:
        raise ValidationError(errors)
    assert data.unit is not None
    allowed = {f.name for f in get_plugin(data.kind).credential_fields}
    credentials = {k: v for k, v in credentials.items() if k in allowed}
    with transaction.atomic():
        creating = destination is None
        row = destination if destination is not None else Destination()
        before = None if creating else {**audit.snapshot(row, _AUDITED), "credentials": row.has_credentials}
        row.name = nfc(data.name)
        row.kind = data.kind
        row.channel = data.channel
        row.unit = data.unit
        row.settings = data.settings
        row.languages = list(data.languages)
        row.is_enabled = data.is_enabled
        row.rate_limit_per_minute = data.rate_limit_per_minute
        row.max_attempts = data.max_attempts
        changed_credentials = bool(typed) or data.clear_credentials
        if changed_credentials:
            row.credentials_sealed = (
                crypto.seal(json.dumps(credentials, sort_keys=True), purpose=PURPOSE) if credentials else ""
            )
            row.auth_problem = ""  # a person granted access again
            if "access_token" in typed or data.clear_credentials:
                row.token_expires_at = None  # the expiry of a typed token is not known
        row.save()
        row.categories.set(data.categories)
        audit.record(
            actor=actor,
            action="outbound.destination.create" if creating else "outbound.destination.update",
            target=row,
            unit=row.unit,
            before=before,
            after={
                **audit.snapshot(row, _AUDITED),
                "categories": sorted(c.code for c in data.categories),
                "credentials": row.has_credentials,
                "credentials_changed": changed_credentials,
            },
        )
    return row


def set_enabled(*, actor: Any, destination: Destination, is_enabled: bool) -> Destination:
    """Switch a destination on or off (its queue waits while it is off)."""
    access.require(actor, access.OUTBOUND_CONFIGURE, unit=destination.unit)
    with transaction.atomic():
        before = {"is_enabled": destination.is_enabled}
        destination.is_enabled = is_enabled
        destination.save(update_fields=["is_enabled", "updated_at"])
        audit.record(
            actor=actor,
            action="outbound.destination.enable" if is_enabled else "outbound.destination.disable",
            target=destination,
            unit=destination.unit,
            before=before,
            after={"is_enabled": is_enabled},
        )
    return destination
