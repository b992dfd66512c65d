"""Fleet monitoring: alerts past a threshold (in-app and e-mail), uptime and the firmware inventory."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from nguon.accounts.choices import Role
from nguon.content.models import Notification
from nguon.devices.models import DeviceAlert, HeartbeatSample
from nguon.devices.protocol import topics
from nguon.devices.selectors.monitoring import inventory, uptime
from nguon.devices.services.alerts import check_alerts
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.registry import register_device

from .conftest import ACTOR
from .test_ingest import NOW, heartbeat, payload


def beat(device, at, **overrides):
    message = heartbeat(device, **overrides)
    return handle_message(topics.topic(device.device_id, topics.HEARTBEAT), payload(message), now=at)


def test_an_offline_device_is_alerted_after_the_threshold_and_the_recovery_is_told(
    device, make_user, commune, settings, django_capture_on_commit_callbacks
):
    settings.NGUON_DEVICE_HEARTBEAT_SECONDS = 60
    technician = make_user(Role.TECHNICIAN, unit=commune)
    technician.email = "ky.thuat@example.vn"
    technician.save()
    register_device(actor=ACTOR, kind="speaker_cluster", serial="NEVER-SEEN", unit=commune)  # never alerted
    beat(device, NOW)
    assert check_alerts(now=NOW + timedelta(minutes=1)).pending == 0
    assert check_alerts(now=NOW + timedelta(minutes=3)).pending == 1  # noticed, not yet told
    with django_capture_on_commit_callbacks(execute=True):
        opened = check_alerts(now=NOW + timedelta(minutes=19))
    assert opened.opened == 1
    alert = DeviceAlert.objects.get(device=device, kind="offline")
    assert alert.opened_at == NOW + timedelta(minutes=19)
    notice = Notification.objects.get(user=technician, kind="devices.alert")
    assert device.device_id in notice.message
    assert "mất kết nối" in notice.message
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ky.thuat@example.vn"]
    assert check_alerts(now=NOW + timedelta(minutes=20)).opened == 0  # told once
    beat(device, NOW + timedelta(minutes=25))
    with django_capture_on_commit_callbacks(execute=True):
        closed = check_alerts(now=NOW + timedelta(minutes=25, seconds=5))
    assert closed.closed == 1
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert Notification.objects.filter(user=technician, message__contains="trở lại").count() == 1


def test_a_short_blip_is_forgotten_and_an_unhealthy_device_is_alerted(device, blob, settings):
    settings.NGUON_DEVICE_HEARTBEAT_SECONDS = 60
    beat(device, NOW)
    check_alerts(now=NOW + timedelta(minutes=3))
    beat(device, NOW + timedelta(minutes=4))
    check_alerts(now=NOW + timedelta(minutes=4, seconds=1))
    assert not DeviceAlert.objects.exists()  # pending, then cleared in time: deleted
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("sang", blob, NOW - timedelta(hours=1))])
    later = NOW + timedelta(minutes=10)
    beat(device, later, manifest_version=0)  # still on no manifest
    check_alerts(now=later)
    beat(device, later + timedelta(minutes=16), manifest_version=0)
    summary = check_alerts(now=later + timedelta(minutes=16))
    assert summary.opened == 1
    assert (
        "thiết bị báo lịch phiên bản 0, lịch hiện hành là phiên bản 1"
        in DeviceAlert.objects.get(kind="unhealthy").detail
    )


def test_uptime_counts_ten_minute_buckets_with_a_heartbeat(device):
    start = NOW.replace(minute=0, second=0, microsecond=0)
    for minutes in (0, 5, 20, 50):  # buckets 0, 2 and 5 of six
        beat(device, start + timedelta(minutes=minutes))
    assert HeartbeatSample.objects.filter(device=device).count() == 3
    assert uptime(device, start=start, end=start + timedelta(hours=1)) == 0.5


def test_inventory_and_the_monitoring_api_are_scoped(client, make_user, device, other_commune):
    other = register_device(actor=ACTOR, kind="speaker_cluster", serial="OTHER-1", unit=other_commune)
    beat(device, NOW)
    beat(other, NOW, firmware="vendor-x 2.1")
    assert {(r["firmware"], r["count"]) for r in inventory(user=ACTOR)} == {
        ("nguon-agent 0.1.0", 1),
        ("vendor-x 2.1", 1),
    }
    client.force_login(make_user(Role.TECHNICIAN, unit=device.unit))
    assert client.get("/api/v1/devices/inventory").json() == [
        {"firmware": "nguon-agent 0.1.0", "protocol_level": 1, "count": 1}
    ]
    assert client.get("/api/v1/devices/alerts").json() == []
    assert (
        client.get(f"/api/v1/devices/{device.device_id}/uptime?days=1").json()["device_id"]
        == device.device_id
    )
    assert client.get(f"/api/v1/devices/{other.device_id}/uptime").status_code == 404
