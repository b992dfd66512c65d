"""Scoped lists and lookups of devices; the device behind a bearer token."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from nguon.core import access
from nguon.devices.credentials import token_hash
from nguon.devices.models import Device, DeviceCredential, DeviceManifest
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def list_devices(*, user: Any, action: str = access.DEVICES_VIEW) -> QuerySet[Device]:
    queryset = Device.objects.select_related("unit").order_by("unit__path", "device_id")
    return access.scope(user, queryset, action)


def get_device(*, user: Any, device_id: str, action: str = access.DEVICES_VIEW) -> Device:
    return access.get_scoped_or_404(user, Device.objects.select_related("unit"), action, device_id=device_id)


def devices_of_units(units: Iterable[AdministrativeUnit], *, kind: str) -> list[Device]:
    """The devices of ``kind`` in service in ``units``: every device of a commune (or of the province,
    or of a historical district), the devices placed in a residential unit. Unscoped: callers decide who
    may command them."""
    condition = Q()
    for unit in units:
        if unit.level == UnitLevel.RESIDENTIAL:
            condition |= Q(residential_unit=unit)
        else:
            condition |= Q(unit__path__startswith=unit.path)
    if not condition:
        return []
    return list(
        Device.objects.filter(condition, kind=kind, retired_on__isnull=True)
        .select_related("unit")
        .order_by("pk")
        .distinct()
    )


def get_device_by_token(*, token: str) -> Device | None:
    """The device holding this HTTPS token, if its credential is active and it is not retired."""
    credential = (
        DeviceCredential.objects.select_related("device")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, device__retired_on__isnull=True)
        .first()
    )
    return credential.device if credential is not None else None


def get_current_manifest(*, device: Device) -> DeviceManifest | None:
    return DeviceManifest.objects.filter(device=device).order_by("-version").first()


def get_current_etag(*, device: Device) -> str | None:
    """Only the current manifest's ETag: what a poll that ends in 304 needs (no body read)."""
    return (
        DeviceManifest.objects.filter(device=device)
        .order_by("-version")
        .values_list("etag", flat=True)
        .first()
    )


def device_may_fetch(*, device: Device, sha256: str) -> bool:
    """Media a device may download: what its current manifest uses, or a play-now/emergency command."""
    manifest = get_current_manifest(device=device)
    if manifest is not None and sha256 in manifest.media_sha256:
        return True
    return device.commands.filter(media_sha256=sha256).exists()
