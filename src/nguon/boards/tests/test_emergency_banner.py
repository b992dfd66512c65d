"""The emergency banner: an emergency order on air puts a banner into the manifests of the e-boards of
its units (and only those), in the same transaction; stopping the order removes it."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.boards.models import EmergencyBanner
from nguon.boards.tests.test_compile_helpers import SYSTEM, board, manifest
from nguon.core import access
from nguon.devices.models import CommandRecord
from nguon.devices.protocol.validation import validate
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import publisher, store_blob  # noqa: F401 — fixture
from nguon.radio.services.emergencies import request_emergency, stop_order
from nguon.radio.tests.test_emergency_services import SECRET_A, now_code

pytestmark = pytest.mark.usefixtures("publisher")


@pytest.fixture
def approver(make_user: Any, province: Any) -> Any:
    user = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=user, secret=SECRET_A)
    return user


def test_banner_appears_and_disappears_on_the_right_boards(
    approver: Any, province: Any, commune: Any, other_commune: Any
) -> None:
    cluster = register_device(actor=SYSTEM, kind="speaker_cluster", serial="SPK-1", unit=commune)
    mine = [board(commune, "EB-E1", "192x96"), board(commune, "EB-E2", "1920x1080")]
    far = board(other_commune, "EB-E3", "384x192")
    register_device(actor=SYSTEM, kind="speaker_cluster", serial="SPK-2", unit=other_commune)
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=store_blob(1.0),
        title="Cảnh báo lũ quét trên sông Chu",
        message="Bà con vùng trũng di chuyển lên nơi cao ngay.",
        totp_code=now_code(SECRET_A),
    )
    for eb in mine:
        body = manifest(eb)
        validate("manifest", {**body, "sig": "-"})
        banner = body["emergency"]["item"]["banner"]
        assert banner == {
            "heading": "Cảnh báo lũ quét trên sông Chu",
            "body": "Bà con vùng trũng di chuyển lên nơi cao ngay.",
        }
        command = CommandRecord.objects.get(device=eb, type="emergency-start")
        assert command.body["item"]["banner"]["heading"] == banner["heading"]
    # the speakers keep their audio item; the other commune's board gets nothing
    assert "media" in manifest(cluster)["emergency"]["item"]
    assert not CommandRecord.objects.filter(device=far).exists()
    assert EmergencyBanner.objects.get(source=order.broadcast).broadcast.devices.count() == 2

    stop_order(actor=approver, order=order)
    for eb in mine:
        assert manifest(eb)["emergency"] is None
        assert CommandRecord.objects.filter(device=eb, type="emergency-stop").count() == 1
    assert manifest(cluster)["emergency"] is None


def test_order_without_boards_still_goes_on_air(approver: Any, province: Any, commune: Any) -> None:
    register_device(actor=SYSTEM, kind="speaker_cluster", serial="SPK-9", unit=commune)
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=store_blob(1.0),
        title="Thử nghiệm",
        totp_code=now_code(SECRET_A),
    )
    assert order.status == "on_air"
    assert not EmergencyBanner.objects.exists()
