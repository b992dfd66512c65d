"""The batched ingest gives the same results as the message-by-message one, in one transaction."""

from __future__ import annotations

import json

from nguon.devices.models import CommandRecord, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.services.commands import send_command
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.ingest_batch import handle_batch

from .conftest import ACTOR
from .test_ingest import NOW, heartbeat, receipt


def _m(device, leaf, message):
    return (topics.topic(device.device_id, leaf), json.dumps(message).encode())


def test_a_mixed_batch_is_stored_in_order_with_duplicates_and_bad_input_sorted_out(device):
    command = send_command(actor=ACTOR, device=device, type="volume", body={"level": 20})
    refused = send_command(actor=ACTOR, device=device, type="reboot", body={})
    handle_message(*_m(device, topics.RECEIPT, receipt(device, "r-already-1")), now=NOW)
    event = {"v": 1, "device": device.device_id, "ts": format_ts(NOW)}
    batch = [
        _m(device, topics.HEARTBEAT, heartbeat(device, volume=10)),
        _m(device, topics.RECEIPT, receipt(device, "r-new-00001")),
        _m(device, topics.RECEIPT, receipt(device, "r-new-00001")),  # twice in the same batch
        _m(device, topics.RECEIPT, receipt(device, "r-already-1")),  # stored before
        (topics.topic(device.device_id, topics.HEARTBEAT), b"{oops"),
        (
            topics.topic("d-999999999999", topics.HEARTBEAT),
            json.dumps({**heartbeat(device), "device": "d-999999999999"}).encode(),
        ),
        _m(
            device,
            topics.EVENT,
            {**event, "kind": "command-accepted", "seq": command.seq, "command": "volume"},
        ),
        _m(device, topics.EVENT, {**event, "kind": "command-refused", "seq": refused.seq, "reason": "stale"}),
        _m(device, topics.STATUS, {"v": 1, "device": device.device_id, "state": "online"}),
        _m(device, topics.STATUS, {"v": 1, "device": device.device_id, "state": "offline"}),
        _m(device, topics.HEARTBEAT, heartbeat(device, volume=55)),
    ]
    outcomes = handle_batch(batch, now=NOW)
    assert [o.result for o in outcomes] == [
        "stored",
        "stored",
        "duplicate",
        "duplicate",
        "dropped",
        "dropped",
        "stored",
        "stored",
        "stored",
        "stored",
        "stored",
    ]
    assert (outcomes[4].reason, outcomes[5].reason) == ("not-json", "unknown-device")
    assert [o.ack_ids for o in outcomes[1:4]] == [["r-new-00001"], ["r-new-00001"], ["r-already-1"]]
    assert PlayReceipt.objects.filter(device=device).count() == 2
    state = DeviceState.objects.get(device=device)
    assert state.heartbeat["volume"] == 55  # the last heartbeat of the batch
    assert state.is_online is False
    assert HeartbeatSample.objects.filter(device=device).count() == 1
    kinds = list(DeviceEvent.objects.filter(device=device).order_by("id").values_list("kind", flat=True))
    assert kinds == ["command-accepted", "command-refused", "connected", "disconnected"]
    command.refresh_from_db()
    refused.refresh_from_db()
    assert command.accepted_at == NOW
    assert (refused.refused_at, refused.refusal_reason) == (NOW, "stale")
    assert (
        CommandRecord.objects.filter(device=device, accepted_at__isnull=True, refused_at__isnull=True).count()
        == 0
    )


def test_a_failing_batch_falls_back_to_one_message_at_a_time(device, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("nguon.devices.services.ingest_batch._heartbeats", broken)
    outcomes = handle_batch(
        [
            _m(device, topics.HEARTBEAT, heartbeat(device)),
            _m(device, topics.RECEIPT, receipt(device, "r-fallback-1")),
        ],
        now=NOW,
    )
    assert [o.result for o in outcomes] == ["stored", "stored"]
    assert "storing its messages one by one" in caplog.text
    assert DeviceState.objects.filter(device=device).exists()
    assert PlayReceipt.objects.filter(receipt_id="r-fallback-1").exists()
