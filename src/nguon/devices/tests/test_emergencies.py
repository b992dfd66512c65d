"""Emergency broadcasts: signed commands to the connected devices, the manifest for the others, and a
device that was away joining and leaving through its manifest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.devices.models import CommandRecord, DeviceManifest, EmergencyBroadcast
from nguon.devices.services.emergencies import start_emergency, stop_emergency
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.provisioning import provision_device
from nguon.devices.services.registry import register_device

from .conftest import ACTOR, store_blob
from .test_agent import KEY, Harness, item, media
from .test_api import START, bearer


def test_an_emergency_reaches_commands_and_manifests_and_ends_in_both(
    client, commune, other_commune, publisher, django_capture_on_commit_callbacks
):
    first = register_device(actor=ACTOR, kind="speaker_cluster", serial="EM-1", unit=commune)
    second = register_device(actor=ACTOR, kind="speaker_cluster", serial="EM-2", unit=commune)
    register_device(actor=ACTOR, kind="speaker_cluster", serial="EM-X", unit=other_commune)
    token = provision_device(actor=ACTOR, device=first).token
    schedule_blob, alarm = store_blob(0.3, 440), store_blob(0.4, 880)
    set_manifest(actor=ACTOR, device=first, items=[ManifestItem("sang", schedule_blob, START)])
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = start_emergency(actor=ACTOR, unit=commune, blob=alarm, title="Cảnh báo lũ", repeat=2)
    assert sorted(broadcast.devices.values_list("serial", flat=True)) == ["EM-1", "EM-2"]
    starts = CommandRecord.objects.filter(type="emergency-start").order_by("device_id")
    assert [c.body["id"] for c in starts] == [broadcast.protocol_id] * 2
    assert {json.loads(p)["type"] for _, p in publisher.sent} == {"emergency-start"}
    manifest = client.get("/api/v1/devices/me/manifest", **bearer(token)).json()
    assert manifest["version"] == 2
    assert [i["id"] for i in manifest["items"]] == ["sang"]  # the schedule is kept
    assert manifest["emergency"]["id"] == broadcast.protocol_id
    assert manifest["emergency"]["repeat"] == 2
    assert client.get(f"/api/v1/devices/me/media/{alarm.sha256}", **bearer(token)).status_code == 200
    assert (
        DeviceManifest.objects.filter(device=second).get().body["emergency"]["item"]["media"]["sha256"]
        == alarm.sha256
    )
    with django_capture_on_commit_callbacks(execute=True):
        stop_emergency(actor=ACTOR, broadcast=broadcast)
    assert CommandRecord.objects.filter(type="emergency-stop").count() == 2
    after = client.get("/api/v1/devices/me/manifest", **bearer(token)).json()
    assert (after["version"], after["emergency"]) == (3, None)
    assert AuditEvent.objects.filter(action__startswith="devices.emergency.").count() == 2
    assert stop_emergency(actor=ACTOR, broadcast=broadcast).stopped_at is not None  # again: nothing more
    assert CommandRecord.objects.filter(type="emergency-stop").count() == 2


def test_commune_operators_start_emergencies_in_their_commune_only(
    client, make_user, commune, other_commune, publisher
):
    register_device(actor=ACTOR, kind="speaker_cluster", serial="EM-3", unit=commune)
    register_device(actor=ACTOR, kind="speaker_cluster", serial="EM-4", unit=other_commune)
    alarm = store_blob(0.2)
    client.force_login(make_user(Role.COMMUNE_OPERATOR, unit=commune))
    started = client.post(
        "/api/v1/devices/emergencies",
        {"unit_code": commune.code, "media_sha256": alarm.sha256, "title": "Sơ tán"},
        content_type="application/json",
    )
    assert started.status_code == 201
    assert started.json()["devices"] == 1
    elsewhere = client.post(
        "/api/v1/devices/emergencies",
        {"unit_code": other_commune.code, "media_sha256": alarm.sha256},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    listed = client.get("/api/v1/devices/emergencies").json()
    assert [b["title"] for b in listed] == ["Sơ tán"]
    stopped = client.post(f"/api/v1/devices/emergencies/{listed[0]['id']}/stop")
    assert stopped.json()["stopped_at"] is not None
    assert EmergencyBroadcast.objects.get().stopped_by == "user1"


@pytest.fixture
def harness(tmp_path):
    h = Harness(tmp_path / "state")
    yield h
    h.agent.player.stop_current()


def test_a_device_that_was_away_joins_and_leaves_the_emergency_through_its_manifest(harness):
    from nguon.devices.protocol.manifests import build_manifest, sign_manifest
    from nguon.devices.protocol.timestamps import format_ts, utc_now

    from .test_agent import DEVICE

    normal, alarm = b"normal" * 50, b"alarm" * 50
    harness.give([item("sang", normal, start_in=-1, duration_ms=10_000)], [normal])
    harness.run_until(lambda: harness.agent.player.current is not None)
    harness.agent.storage.media_path(media(alarm)["sha256"]).write_bytes(alarm)
    emergency = {
        "id": "em-7",
        "item": {"id": "em-7", "media": media(alarm), "duration_ms": 200},
        "repeat": 1,
        "since": format_ts(utc_now()),
    }

    def deliver(version: int, block: dict[str, Any] | None) -> None:
        body = build_manifest(
            device=DEVICE,
            version=version,
            mode="speaker",
            items=harness.agent.manifest["items"],
            generated_at=utc_now(),
            emergency=block,
        )
        harness.agent.manifest = sign_manifest(KEY, body)
        harness.agent._emergency_check.set()

    deliver(2, emergency)
    harness.agent.tick()
    assert harness.agent.player.current.kind == "emergency"
    assert harness.receipts()["sang"] == [("interrupted", "")]
    harness.run_until(lambda: "em-7" in harness.receipts() and harness.agent.player.current is None)
    deliver(3, emergency)  # the same emergency again: not played twice
    harness.agent.tick()
    assert harness.agent.player.current is None
    deliver(4, None)  # it ended while the device was away
    harness.agent.tick()
    assert harness.agent.settings["emergency"] is None
    assert harness.agent.settings["ended_emergencies"] == ["em-7"]
    deliver(5, emergency)  # a stale manifest cannot restart an ended emergency
    harness.agent.tick()
    assert harness.agent.settings["emergency"] is None
