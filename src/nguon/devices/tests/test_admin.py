"""The back office shows the fleet read-only, without the credential hashes."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.devices.services.provisioning import provision_device

from .conftest import ACTOR

PAGES = (
    "radiostation",
    "devicegroup",
    "device",
    "devicecredential",
    "commandrecord",
    "devicemanifest",
    "playreceipt",
    "deviceevent",
    "emergencybroadcast",
    "devicealert",
)


@pytest.fixture
def admin_client(client: Any, make_user: Any) -> Any:
    user = make_user(Role.SYSTEM_ADMIN)
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk  # a TOTP-verified session, as the accounts middleware reads it
    session.save()
    return client


@pytest.mark.parametrize("page", PAGES)
def test_every_devices_page_opens(admin_client: Any, device: Any, page: str) -> None:
    assert admin_client.get(f"/admin/devices/{page}/").status_code == 200


def test_the_fleet_is_read_only_and_hides_the_hashes(admin_client: Any, device: Any) -> None:
    provision_device(actor=ACTOR, device=device)
    assert admin_client.get("/admin/devices/device/add/").status_code == 403
    credential = device.credentials.get()
    page = admin_client.get(f"/admin/devices/devicecredential/{credential.pk}/change/")
    assert page.status_code == 200
    assert credential.mqtt_password_hash not in page.content.decode()
    assert credential.token_hash not in page.content.decode()
