"""Provisioning: a device's credentials, issued once, and the bundle that carries them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.devices import credentials
from nguon.devices.broker import device_broker
from nguon.devices.models import Device, DeviceCredential
from nguon.devices.protocol import PROTOCOL_LEVEL
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.services.actors import actor_label
from nguon.devices.services.command_groups import group_for
from nguon.devices.signing import server_public_key_b64


def command_group_of(device: Device) -> str:
    """The command group a device is provisioned into: its mode in its commune, ``g-<code>-<mode>``."""
    group = group_for(device.unit.code, device.mode)
    if not group:
        raise ValueError(f"no command group for unit code {device.unit.code!r}")
    return group


def _revoke_active(device: Device) -> int:
    return DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def provision_device(*, actor: Any, device: Device, protocol: int = PROTOCOL_LEVEL) -> Bundle:
    """Issue new credentials (revoking the previous ones) and return the one-time bundle.

    The password and token exist in clear only in the returned bundle; the database keeps hashes. The
    broker learns the new password when its files are written again (``nguon devices broker-config``).
    ``protocol`` 1 is for devices that do not implement group commands (their bundle names no group, and
    they get every command on their own topic); from 2 the bundle carries the device's command group.
    """
    if not 1 <= protocol <= PROTOCOL_LEVEL:
        raise ValueError(f"protocol level {protocol} is not spoken here (1–{PROTOCOL_LEVEL})")
    group = command_group_of(device) if protocol >= 2 else ""
    access.require(actor, access.DEVICES_MANAGE, unit=device.unit)
    password, token = credentials.new_secret(), credentials.new_secret()
    now = timezone.now()
    public_key = server_public_key_b64()  # fails before any change when production has no key
    broker = device_broker()
    with transaction.atomic():
        revoked = _revoke_active(device)
        DeviceCredential.objects.create(
            device=device,
            mqtt_password_hash=credentials.mosquitto_hash(password),
            token_hash=credentials.token_hash(token),
            issued_at=now,
            issued_by=actor_label(actor),
            command_group=group,
        )
        audit.record(
            actor=actor,
            action="devices.device.provision",
            target=device,
            unit=device.unit,
            after={
                "revoked_previous": revoked,
                "issued_at": format_ts(now),
                "protocol": protocol,
                "command_group": group,
            },
        )
    return Bundle(
        device=device.device_id,
        mode=device.mode,
        protocol=protocol,
        mqtt_host=broker.host,
        mqtt_port=broker.port,
        mqtt_tls=broker.tls,
        mqtt_username=device.device_id,
        mqtt_password=password,
        base_url=settings.NGUON_PUBLIC_URL,
        token=token,
        server_public_key=public_key,
        issued_at=format_ts(now),
        heartbeat_s=settings.NGUON_DEVICE_HEARTBEAT_SECONDS,
        command_group=group,
    )


def revoke_credentials(*, actor: Any, device: Device) -> int:
    """Withdraw a device's credentials (stolen, retired); it can no longer fetch manifests, and no longer
    reach the broker once its files are written again."""
    access.require(actor, access.DEVICES_MANAGE, unit=device.unit)
    with transaction.atomic():
        revoked = _revoke_active(device)
        audit.record(
            actor=actor,
            action="devices.device.revoke",
            target=device,
            unit=device.unit,
            after={"revoked": revoked},
        )
    return revoked
