"""Against a real Mosquitto started for the test with the generated password and ACL files: provisioning,
sync, scheduled playback through an outage with 0 lost / 0 duplicated receipts, per-device isolation,
and refusals reported end to end."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion

from nguon.devices.models import CommandRecord, DeviceEvent, DeviceState, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.commands import encode
from nguon.devices.services.commands import send_command
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.provisioning import provision_device
from nguon.devices.services.registry import register_device

from .conftest import ACTOR, store_blob
from .mosquitto import BINARY, SERVER_PASSWORD, wait_for

pytestmark = [
    pytest.mark.mqtt,
    pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)"),
]


def register(commune: Any, serial: str) -> Any:
    return register_device(actor=ACTOR, kind="speaker_cluster", serial=serial, unit=commune)


def test_device_plays_through_an_outage_and_uploads_every_receipt_exactly_once(
    broker, ingest, run_agent, commune, django_capture_on_commit_callbacks
):
    device = register(commune, "TN-LOA-0001")
    bundle = provision_device(actor=ACTOR, device=device)
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    first, second = store_blob(0.3, 440), store_blob(0.3, 660)
    agent = run_agent(bundle)
    wait_for(agent.connected.is_set)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # publishes manifest-changed
        set_manifest(
            actor=ACTOR,
            device=device,
            items=[
                ManifestItem("sang", first, now + timedelta(seconds=2)),
                ManifestItem("trua", second, now + timedelta(seconds=6)),
            ],
        )
    step = loop.process_pending
    wait_for(lambda: agent.manifest is not None and agent.storage.has_media(second.sha256), step=step)
    wait_for(lambda: PlayReceipt.objects.filter(device=device, item_id="sang").exists(), step=step)
    command = CommandRecord.objects.get(device=device, type="manifest-changed")
    wait_for(
        lambda: CommandRecord.objects.filter(pk=command.pk, accepted_at__isnull=False).exists(), step=step
    )

    broker.stop()  # the network goes away; the schedule goes on from the cache
    wait_for(lambda: not agent.connected.is_set())
    wait_for(lambda: any(r["item"] == "trua" for r in agent.storage.spooled()), timeout=10)
    spooled = agent.storage.spooled()
    assert [r["result"] for r in spooled if r["item"] == "trua"] == ["played"]
    assert not PlayReceipt.objects.filter(item_id="trua").exists()

    broker.start()  # back: the agent reconnects and hands its spool over
    wait_for(lambda: PlayReceipt.objects.filter(device=device, item_id="trua").exists(), step=step)
    wait_for(lambda: not agent.storage.spooled(), step=step)  # acknowledged by the server
    receipts = PlayReceipt.objects.filter(device=device)
    assert sorted(receipts.values_list("item_id", flat=True)) == ["sang", "trua"]  # 0 lost
    assert set(receipts.values_list("result", flat=True)) == {"played"}
    assert set(agent.receipt_handoffs.values()) == {1}  # each uploaded once
    assert set(agent.receipt_handoffs) == set(receipts.values_list("receipt_id", flat=True))
    assert loop.counts["duplicate"] == 0  # 0 duplicated
    wait_for(
        lambda: DeviceState.objects.filter(device=device, heartbeat__manifest_version=1).exists(), step=step
    )


def _connect(bundle: Any, port: int, *, password: str | None = None) -> tuple[mqtt.Client, dict[str, Any]]:
    seen: dict[str, Any] = {"connect": None, "granted": None, "messages": []}
    ready = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"probe-{bundle.device}")
    client.username_pw_set(bundle.mqtt_username, bundle.mqtt_password if password is None else password)

    def on_connect(c, userdata, flags, reason, props):
        seen["connect"] = str(reason)
        ready.set()

    def on_subscribe(c, userdata, mid, reasons, props):
        seen["granted"] = [r.value for r in reasons]

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = lambda c, u, m: seen["messages"].append(m.topic)
    client.connect("127.0.0.1", port)
    client.loop_start()
    ready.wait(5)
    return client, seen


def test_a_device_can_touch_only_its_own_topics(broker, ingest, commune, django_capture_on_commit_callbacks):
    mine_device = register(commune, "TN-LOA-0002")
    mine = provision_device(actor=ACTOR, device=mine_device)
    theirs_device = register(commune, "TN-LOA-0003")
    theirs = provision_device(actor=ACTOR, device=theirs_device)
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    _, refused = _connect(mine, broker.port, password="not-the-password-at-all")
    assert refused["connect"] == "Not authorized"
    client, seen = _connect(mine, broker.port)
    assert seen["connect"] == "Success"
    client.subscribe(
        [(topics.topic(theirs.device, topics.COMMAND), 1), (topics.topic(mine.device, topics.COMMAND), 1)]
    )
    wait_for(lambda: seen["granted"] is not None)
    # Mosquitto 2.0 grants the subscription itself and applies the ACL to each delivery: checked below.
    forged = {
        "v": 1, "device": theirs.device, "ts": "2026-11-26T08:00:00Z", "protocol": 1, "firmware": "x",
        "volume": 1, "manifest_version": 0, "playing": None, "uptime_s": 1,
    }  # fmt: skip
    client.publish(topics.topic(theirs.device, topics.HEARTBEAT), json.dumps(forged), qos=1).wait_for_publish(
        5
    )
    own = {**forged, "device": mine.device}
    client.publish(topics.topic(mine.device, topics.HEARTBEAT), b"{not json", qos=1)
    client.publish(topics.topic(mine.device, topics.HEARTBEAT), b"{" + b" " * 20_000 + b"}", qos=1)
    client.publish(topics.topic(mine.device, topics.HEARTBEAT), json.dumps(own), qos=1).wait_for_publish(5)
    wait_for(
        lambda: DeviceState.objects.filter(device__device_id=mine.device).exists(), step=loop.process_pending
    )
    assert not DeviceState.objects.filter(device=theirs_device).exists()  # never reached the ingest
    assert loop.counts["dropped"] == 2  # malformed and oversized, and the ingest went on
    with django_capture_on_commit_callbacks(execute=True):
        send_command(actor=ACTOR, device=theirs_device, type="volume", body={"level": 10})
        send_command(actor=ACTOR, device=mine_device, type="volume", body={"level": 20})  # control
    wait_for(lambda: topics.topic(mine.device, topics.COMMAND) in seen["messages"])
    assert topics.topic(theirs.device, topics.COMMAND) not in seen["messages"]
    client.disconnect()
    client.loop_stop()


def test_forged_replayed_and_misaddressed_commands_are_refused_and_reported(
    broker, ingest, run_agent, commune, django_capture_on_commit_callbacks
):
    device, other = register(commune, "TN-LOA-0004"), register(commune, "TN-LOA-0005")
    bundle = provision_device(actor=ACTOR, device=device)
    broker.start()
    loop = ingest()
    agent = run_agent(bundle)
    wait_for(agent.connected.is_set)
    with django_capture_on_commit_callbacks(execute=True):
        valid = send_command(actor=ACTOR, device=device, type="volume", body={"level": 35})
    step = loop.process_pending
    wait_for(lambda: CommandRecord.objects.filter(pk=valid.pk, accepted_at__isnull=False).exists(), step=step)
    assert agent.settings["volume"] == 35
    for_other = send_command(actor=ACTOR, device=other, type="volume", body={"level": 99})  # not published
    tampered = {**valid.envelope, "seq": valid.seq + 10, "body": {"level": 100}}
    server, _ = _connect(
        type(
            "B", (), {"device": "server", "mqtt_username": "nguon-server", "mqtt_password": SERVER_PASSWORD}
        )(),
        broker.port,
    )
    cmd_topic = topics.topic(device.device_id, topics.COMMAND)
    for envelope in (tampered, valid.envelope, for_other.envelope):
        server.publish(cmd_topic, encode(envelope), qos=1).wait_for_publish(5)

    def reasons():
        return sorted(
            DeviceEvent.objects.filter(device=device, kind="command-refused").values_list("reason", flat=True)
        )

    wait_for(lambda: len(reasons()) == 3, step=step)
    assert reasons() == ["forged", "misaddressed", "replayed"]
    assert agent.settings["volume"] == 35
    server.disconnect()
    server.loop_stop()
