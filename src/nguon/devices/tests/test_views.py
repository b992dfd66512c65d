"""The fleet screens: list, detail and map for a technician, scoping, remote commands through the page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.devices.models import CommandRecord
from nguon.devices.protocol import topics
from nguon.devices.protocol.commands import CommandVerifier, encode
from nguon.devices.protocol.keys import VerifyKey
from nguon.devices.protocol.replay import MemorySequenceStore
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.registry import register_device
from nguon.devices.signing import server_key

from .conftest import ACTOR
from .test_ingest import heartbeat, payload


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return client


@pytest.fixture
def fleet(device: Any, other_commune: Any) -> dict[str, Any]:
    """The commune's device (placed on the map, reporting now) and one of another commune."""
    device.name = "Cụm loa chợ Chu"
    device.latitude, device.longitude = Decimal("21.900000"), Decimal("105.640000")
    device.save()
    now = timezone.now()
    handle_message(
        topics.topic(device.device_id, topics.HEARTBEAT),
        payload(heartbeat(device, ts=format_ts(now), volume=55)),
        now=now,
    )
    other = register_device(
        actor=ACTOR,
        kind="eboard",
        serial="SN-OTHER",
        unit=other_commune,
        name="Bảng tin phường",
        latitude=Decimal("21.590000"),
        longitude=Decimal("105.840000"),
    )
    return {"device": device, "other": other}


def test_a_technician_sees_the_list_the_detail_and_the_map(make_user, province, fleet):
    client = signed_in(make_user(Role.TECHNICIAN, unit=province))
    device, other = fleet["device"], fleet["other"]

    page = client.get(reverse("devices:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cụm loa chợ Chu" in text
    assert "Bảng tin phường" in text
    assert "Nhịp tim đúng hạn" in text
    assert "Chưa có nhịp tim" in text
    assert "nguon-agent 0.1.0" in text

    only_fresh = client.get(reverse("devices:list"), {"status": "fresh"}).content.decode()
    assert "Cụm loa chợ Chu" in only_fresh
    assert "Bảng tin phường" not in only_fresh
    healthy = client.get(reverse("devices:list"), {"status": "healthy"}).content.decode()
    assert "Cụm loa chợ Chu" in healthy
    assert "Bảng tin phường" not in healthy
    never = client.get(reverse("devices:list"), {"status": "never"}).content.decode()
    assert "Bảng tin phường" in never
    assert "Cụm loa chợ Chu" not in never
    by_kind = client.get(reverse("devices:list"), {"kind": "eboard"}).content.decode()
    assert "Bảng tin phường" in by_kind
    assert "Cụm loa chợ Chu" not in by_kind
    by_commune = client.get(reverse("devices:list"), {"commune": device.unit_id}).content.decode()
    assert "Cụm loa chợ Chu" in by_commune
    assert "Bảng tin phường" not in by_commune

    detail = client.get(reverse("devices:detail", args=[device.device_id]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert device.serial in body
    assert "Điều khiển từ xa" in body
    assert "Đặt âm lượng" in body

    map_page = client.get(reverse("devices:map"))
    assert map_page.status_code == 200
    assert "devices/leaflet/leaflet.js" in map_page.content.decode()
    assert 'id="fleet-data"' in map_page.content.decode()
    assert {m["id"] for m in client.get(reverse("devices:map_json")).json()["markers"]} == {
        device.device_id,
        other.device_id,
    }


def test_a_commune_operator_gets_404_outside_the_commune_and_a_scoped_map(make_user, fleet, commune):
    client = signed_in(make_user(Role.COMMUNE_OPERATOR, unit=commune))
    device, other = fleet["device"], fleet["other"]
    assert client.get(reverse("devices:detail", args=[other.device_id])).status_code == 404
    denied = client.post(reverse("devices:command", args=[other.device_id, "volume"]), {"level": 10})
    assert denied.status_code == 404
    assert client.get(reverse("devices:detail", args=[device.device_id])).status_code == 200
    listed = client.get(reverse("devices:list")).content.decode()
    assert "Cụm loa chợ Chu" in listed
    assert "Bảng tin phường" not in listed
    data = client.get(reverse("devices:map_json")).json()
    assert [m["id"] for m in data["markers"]] == [device.device_id]
    assert [c["name"] for c in data["communes"]] == [commune.name]
    # An operator sees the device but may not command it: told so, nothing is sent.
    refused = client.post(
        reverse("devices:command", args=[device.device_id, "volume"]), {"level": 10}, follow=True
    )
    assert "không có quyền" in refused.content.decode()
    assert not CommandRecord.objects.exists()


def test_the_volume_button_records_a_signed_command(
    make_user, commune, fleet, publisher, django_capture_on_commit_callbacks
):
    client = signed_in(make_user(Role.TECHNICIAN, unit=commune))
    device = fleet["device"]
    url = reverse("devices:command", args=[device.device_id, "volume"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"level": 40}, follow=True)
    assert "Đã gửi lệnh đặt âm lượng 40." in response.content.decode()
    record = CommandRecord.objects.get(device=device)
    assert (record.type, record.body, record.seq) == ("volume", {"level": 40}, 1)
    check = CommandVerifier(
        device_id=device.device_id,
        public_key=VerifyKey.from_b64(server_key().public_b64()),
        sequences=MemorySequenceStore(),
    )
    assert check.verify(encode(record.envelope)).body == {"level": 40}
    record.refresh_from_db()
    assert record.published_at is not None
    assert len(publisher.sent) == 1

    bad = client.post(url, {"level": 140}, follow=True)
    assert "Lệnh không hợp lệ" in bad.content.decode()
    client.post(reverse("devices:command", args=[device.device_id, "power"]), {"state": "off"})
    client.post(reverse("devices:command", args=[device.device_id, "reboot"]), {})
    assert list(CommandRecord.objects.order_by("seq").values_list("type", "body")) == [
        ("volume", {"level": 40}),
        ("power", {"state": "off"}),
        ("reboot", {}),
    ]
    assert client.get(reverse("devices:command", args=[device.device_id, "volume"])).status_code == 405


def test_the_map_tile_url_is_optional_and_checked():
    from nguon.config import ConfigError, load

    assert load({"NGUON_ENV": "test"}).map_tile_url == ""
    url = "https://tile.example.vn/{z}/{x}/{y}.png"
    assert load({"NGUON_ENV": "test", "NGUON_MAP_TILE_URL": url}).map_tile_url == url
    with pytest.raises(ConfigError, match="NGUON_MAP_TILE_URL"):
        load({"NGUON_ENV": "test", "NGUON_MAP_TILE_URL": "tile.example.vn/tiles"})


def test_the_map_without_tiles_says_so_and_with_tiles_passes_the_url(make_user, province, fleet, settings):
    client = signed_in(make_user(Role.TECHNICIAN, unit=province))
    assert "Chưa cấu hình nền bản đồ" in client.get(reverse("devices:map")).content.decode()
    settings.NGUON_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    page = client.get(reverse("devices:map")).content.decode()
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in page
    assert "Chưa cấu hình nền bản đồ" not in page


def test_a_device_behind_its_manifest_shows_off_schedule(make_user, province, fleet, blob):
    device = fleet["device"]
    start = timezone.now() - timedelta(hours=1)
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("sang", blob, start)])
    client = signed_in(make_user(Role.TECHNICIAN, unit=province))
    unhealthy = client.get(reverse("devices:list"), {"status": "unhealthy"}).content.decode()
    assert "Cụm loa chợ Chu" in unhealthy
    assert "Sai lịch phát" in unhealthy
    marker = next(
        m for m in client.get(reverse("devices:map_json")).json()["markers"] if m["id"] == device.device_id
    )
    assert (marker["status"], marker["healthy"]) == ("unhealthy", False)
    assert (
        "thiết bị báo lịch phiên bản 0, lịch hiện hành là phiên bản 1"
        in client.get(reverse("devices:detail", args=[device.device_id])).content.decode()
    )
