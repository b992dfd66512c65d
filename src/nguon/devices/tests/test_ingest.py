"""Telemetry ingest: stores what is valid, drops the rest with a log line, and keeps going; status is
derived from what was stored."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nguon.devices.models import CommandRecord, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.selectors.status import device_status
from nguon.devices.services.commands import send_command
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.manifests import ManifestItem, set_manifest

from .conftest import ACTOR

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def payload(message: dict[str, Any]) -> bytes:
    return json.dumps(message).encode()


def heartbeat(device, **overrides) -> dict[str, Any]:
    return {
        "v": 1,
        "device": device.device_id,
        "ts": format_ts(NOW),
        "protocol": 1,
        "firmware": "nguon-agent 0.1.0",
        "volume": 70,
        "manifest_version": 0,
        "playing": None,
        "uptime_s": 12,
        **overrides,
    }


def receipt(device, receipt_id="r-00000001", **overrides) -> dict[str, Any]:
    return {
        "v": 1,
        "device": device.device_id,
        "id": receipt_id,
        "item": "ban-tin-sang",
        "media": "b" * 64,
        "manifest_version": 1,
        "scheduled_at": format_ts(NOW),
        "started_at": format_ts(NOW),
        "ended_at": format_ts(NOW + timedelta(seconds=30)),
        "result": "played",
        **overrides,
    }


def send(device, leaf, message, now=NOW):
    return handle_message(topics.topic(device.device_id, leaf), payload(message), now=now)


def test_heartbeats_update_the_latest_state_and_one_sample_per_bucket(device):
    assert send(device, topics.HEARTBEAT, heartbeat(device)).result == "stored"
    send(device, topics.HEARTBEAT, heartbeat(device, volume=50), now=NOW + timedelta(seconds=60))
    state = DeviceState.objects.get(device=device)
    assert state.heartbeat["volume"] == 50
    assert state.last_heartbeat_at == NOW + timedelta(seconds=60)
    assert HeartbeatSample.objects.filter(device=device).count() == 1
    send(device, topics.HEARTBEAT, heartbeat(device), now=NOW + timedelta(minutes=11))
    assert HeartbeatSample.objects.filter(device=device).count() == 2
    device.refresh_from_db()
    assert (device.firmware, device.protocol_level) == ("nguon-agent 0.1.0", 1)


def test_receipts_are_stored_once_and_acknowledged_every_time(device):
    first = send(device, topics.RECEIPT, receipt(device))
    again = send(device, topics.RECEIPT, receipt(device))
    assert (first.result, again.result) == ("stored", "duplicate")
    assert first.ack_ids == again.ack_ids == ["r-00000001"]
    assert PlayReceipt.objects.filter(device=device).count() == 1
    stored = PlayReceipt.objects.get()
    assert (stored.item_id, stored.result, stored.media_sha256) == ("ban-tin-sang", "played", "b" * 64)


def test_bad_input_is_dropped_with_a_log_line_and_the_next_message_still_counts(device, caplog):
    caplog.set_level(logging.WARNING, logger="nguon.devices.ingest")
    hb_topic = topics.topic(device.device_id, topics.HEARTBEAT)
    cases = {
        "not-json": (hb_topic, b"{broken"),
        "too-large": (hb_topic, b"{" + b" " * 9000 + b"}"),
        "schema": (hb_topic, payload({**heartbeat(device), "volume": 400})),
        "device-mismatch": (hb_topic, payload({**heartbeat(device), "device": "d-000000000000"})),
        "unknown-device": (
            topics.topic("d-999999999999", topics.HEARTBEAT),
            payload({**heartbeat(device), "device": "d-999999999999"}),
        ),
        "topic": ("nguon/v1/d/not-a-device/tele/heartbeat", payload(heartbeat(device))),
    }
    for reason, (topic, body) in cases.items():
        outcome = handle_message(topic, body, now=NOW)
        assert (outcome.result, outcome.reason) == ("dropped", reason)
        assert f"dropped message on {topic[:40]}" in caplog.text
        assert reason in caplog.records[-1].getMessage()
    assert not DeviceState.objects.exists()
    assert send(device, topics.HEARTBEAT, heartbeat(device)).result == "stored"


def test_status_and_last_will_record_connections_without_repeats(device):
    online = {"v": 1, "device": device.device_id, "state": "online", "ts": format_ts(NOW)}
    send(device, topics.STATUS, online)
    send(device, topics.STATUS, online)  # the retained message again, after the ingest reconnects
    send(device, topics.STATUS, {"v": 1, "device": device.device_id, "state": "offline"})
    kinds = list(
        DeviceEvent.objects.filter(device=device).order_by("received_at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["connected", "disconnected"]
    assert device_status(device, now=NOW).connected is False


def test_device_events_settle_the_commands_they_answer(device):
    accepted = send_command(actor=ACTOR, device=device, type="volume", body={"level": 30})
    refused = send_command(actor=ACTOR, device=device, type="reboot", body={})
    event = {"v": 1, "device": device.device_id, "ts": format_ts(NOW)}
    send(
        device, topics.EVENT, {**event, "kind": "command-accepted", "seq": accepted.seq, "command": "volume"}
    )
    send(
        device,
        topics.EVENT,
        {**event, "kind": "command-refused", "seq": refused.seq, "command": "reboot", "reason": "stale"},
    )
    accepted.refresh_from_db()
    refused.refresh_from_db()
    assert accepted.accepted_at is not None
    assert accepted.refused_at is None
    assert refused.refused_at is not None
    assert refused.refusal_reason == "stale"
    assert DeviceEvent.objects.filter(device=device, kind="command-refused", reason="stale").count() == 1
    assert CommandRecord.objects.filter(device=device).count() == 2


@pytest.mark.django_db
def test_status_is_three_derived_facts(device, blob, settings):
    settings.NGUON_DEVICE_HEARTBEAT_SECONDS = 60
    assert device_status(device, now=NOW).connected is None  # never reported
    start = NOW - timedelta(seconds=10)
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("sang", blob, start)])
    # the blob lasts 0.5 s, so at NOW nothing is scheduled: a device playing nothing on manifest v1 is healthy
    send(device, topics.HEARTBEAT, heartbeat(device, manifest_version=1))
    status = device_status(device, now=NOW + timedelta(seconds=5))
    assert (status.fresh, status.healthy, status.problems) == (True, True, [])
    send(device, topics.HEARTBEAT, heartbeat(device, manifest_version=0))
    status = device_status(device, now=NOW + timedelta(seconds=5))
    assert status.healthy is False
    assert "thiết bị báo lịch phiên bản 0, lịch hiện hành là phiên bản 1" in status.problems
    playing = {"item": "sang", "started_at": format_ts(start)}
    send(
        device, topics.HEARTBEAT, heartbeat(device, manifest_version=1, playing=playing, ts=format_ts(start))
    )
    assert device_status(device, now=NOW).healthy is True  # the scheduled item, at the heartbeat's time
    stale = device_status(device, now=NOW + timedelta(seconds=91))
    assert (stale.fresh, stale.healthy) == (False, None)
