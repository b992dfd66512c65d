"""The embedded amqtt broker enforces the generated Mosquitto files' rules: passwords, per-device topics."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from nguon.devices.broker_config import active_credentials
from nguon.devices.embedded_broker import Rules, embedded_settings, registry_lookup, serve
from nguon.devices.protocol import topics
from nguon.devices.services.provisioning import provision_device
from nguon.devices.services.registry import register_device

from .conftest import ACTOR

SERVER = "nguon-server"
SERVER_PASSWORD = "server-secret-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Running:
    def __init__(self, rules: Rules) -> None:
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self._run, args=(rules,), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("the embedded broker did not start")

    def _run(self, rules: Rules) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(serve(rules, host="127.0.0.1", port=self.port, stop=self.stop))

    def close(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop.set)
            self.thread.join(10)


class Client:
    def __init__(self, port: int, username: str, password: str) -> None:
        self.messages: list[tuple[str, bytes | bytearray]] = []
        self.result: int | None = None
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"{username}-{time.monotonic_ns()}")
        self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda _c, _u, msg: self.messages.append((msg.topic, msg.payload))
        self.client.on_subscribe = lambda *_a: self.subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        deadline = time.monotonic() + 10
        while self.result is None and time.monotonic() < deadline:
            time.sleep(0.02)

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.result = reason.value
        if not reason.is_failure:
            self.connected.set()

    def subscribe(self, topic: str) -> None:
        self.subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self.subscribed.wait(5)

    def publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def fleet(db: Any, commune: Any) -> Iterator[tuple[Running, dict[str, str]]]:
    passwords = {}
    for serial in ("EMB-1", "EMB-2"):
        device = register_device(actor=ACTOR, kind="speaker_cluster", serial=serial, unit=commune)
        bundle = provision_device(actor=ACTOR, device=device)
        passwords[device.device_id] = bundle.mqtt_password
    held = {c.device_id: c for c in active_credentials()}
    running = Running(Rules(SERVER, SERVER_PASSWORD, lookup=held.get))
    yield running, passwords
    running.close()


def test_registry_lookup_reads_the_active_credential(fleet: Any) -> None:
    _running, passwords = fleet
    device_id = next(iter(passwords))
    rules = Rules(SERVER, SERVER_PASSWORD)  # the real lookup, in this thread
    assert rules.check_password(device_id, passwords[device_id])
    assert not rules.check_password(device_id, "wrong")
    assert registry_lookup("d-000000000000") is None


def test_passwords_and_per_device_topics(fleet: Any) -> None:
    running, passwords = fleet
    (a, pa), (b, pb) = passwords.items()
    assert pa
    assert pb
    refused = Client(running.port, a, "wrong")
    assert refused.result not in (None, 0)
    refused.close()
    assert Client(running.port, "nobody", "x").result not in (None, 0)

    dev_a = Client(running.port, a, pa)
    dev_b = Client(running.port, b, pb)
    server = Client(running.port, SERVER, SERVER_PASSWORD)
    assert dev_a.connected.is_set()
    assert dev_b.connected.is_set()
    assert server.connected.is_set()

    server.subscribe(f"{topics.ROOT}/+/tele/+")
    dev_a.subscribe(topics.topic(a, topics.COMMAND))
    dev_a.subscribe(topics.topic(b, topics.COMMAND))  # refused: b's commands
    dev_a.subscribe(f"{topics.ROOT}/#")  # refused: a wildcard over every device

    dev_a.publish(topics.topic(a, topics.HEARTBEAT), b"own")
    dev_a.publish(topics.topic(b, topics.HEARTBEAT), b"forged")  # refused: b's telemetry
    server.publish(topics.topic(b, topics.COMMAND), b"for-b")
    server.publish(topics.topic(a, topics.COMMAND), b"for-a")

    deadline = time.monotonic() + 5
    while (len(server.messages) < 1 or len(dev_a.messages) < 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # let anything that should not arrive have its chance
    assert server.messages == [(topics.topic(a, topics.HEARTBEAT), b"own")]
    assert dev_a.messages == [(topics.topic(a, topics.COMMAND), b"for-a")]
    for client in (dev_a, dev_b, server):
        client.close()


def test_rules_mirror_the_acl_file() -> None:
    from amqtt.contexts import Action  # type: ignore[import-untyped]

    rules = Rules(SERVER, SERVER_PASSWORD, lookup=lambda _d: None)
    a, b = "d-aaaaaaaaaaaa", "d-bbbbbbbbbbbb"
    assert rules.may(a, topics.topic(a, "tele/receipt"), Action.PUBLISH)
    assert rules.may(a, topics.topic(a, topics.STATUS), Action.PUBLISH)
    assert not rules.may(a, topics.topic(a, topics.COMMAND), Action.PUBLISH)
    assert rules.may(a, topics.topic(a, topics.ACK), Action.SUBSCRIBE)
    assert not rules.may(a, topics.topic(b, topics.ACK), Action.RECEIVE)
    assert rules.may(SERVER, f"{topics.ROOT}/+/status", Action.SUBSCRIBE)
    assert not rules.may(SERVER, "elsewhere/x", Action.PUBLISH)
    assert not rules.check_password(SERVER, "wrong")
    assert not Rules(SERVER, "", lookup=lambda _d: None).check_password(SERVER, "")


def test_embedded_settings_from_the_environment() -> None:
    assert embedded_settings({}).simulate_devices == 0
    assert (
        embedded_settings({"NGUON_SIMULATE_DEVICES": "300", "NGUON_EMBEDDED_MQTT_PORT": "1999"}).port == 1999
    )
    with pytest.raises(ValueError, match="NGUON_SIMULATE_DEVICES"):
        embedded_settings({"NGUON_SIMULATE_DEVICES": "lots"})


def test_nguon_start_supervises_the_broker_ingest_and_simulator_only_when_configured() -> None:
    from nguon.core.management.commands.start import device_plan

    def names(plan: Any) -> list[str]:
        return [child.name for child in plan.children]

    plan = device_plan(environment="development", env={"NGUON_SIMULATE_DEVICES": "300"})
    assert names(plan) == ["broker", "ingest", "simulator"]
    assert plan.env["NGUON_MQTT_URL"] == "mqtt://127.0.0.1:1884"
    assert plan.env["NGUON_MQTT_PASSWORD"]  # a password for this run, shared by every child
    assert plan.children[2].argv[-2:] == ["--devices", "300"]
    assert (plan.broker, plan.simulated) == ("127.0.0.1:1884", 300)
    assert names(device_plan(environment="development", env={})) == ["broker", "ingest"]
    kept = device_plan(environment="development", env={"NGUON_MQTT_PASSWORD": "p"})
    assert kept.env["NGUON_MQTT_PASSWORD"] == "p"
    # A broker of one's own, production, tests and --no-devices: none of it.
    assert names(device_plan(environment="development", env={"NGUON_MQTT_URL": "mqtt://h:1883"})) == []
    assert names(device_plan(environment="production", env={"NGUON_SIMULATE_DEVICES": "3"})) == []
    assert names(device_plan(environment="test", env={})) == []
    assert names(device_plan(environment="development", env={}, enabled=False)) == []


def test_a_group_command_reaches_the_groups_devices_and_no_one_else(fleet: Any, other_commune: Any) -> None:
    running, passwords = fleet  # two speakers of xã Định Hóa: g-05569-speaker
    outsider = register_device(actor=ACTOR, kind="speaker_cluster", serial="EMB-X", unit=other_commune)
    outsider_password = provision_device(actor=ACTOR, device=outsider).mqtt_password
    held = {c.device_id: c for c in active_credentials()}
    running.close()
    running = Running(Rules(SERVER, SERVER_PASSWORD, lookup=held.get))  # it knows the outsider now
    group = topics.group_topic("g-05569-speaker")
    members = [Client(running.port, d, p) for d, p in passwords.items()]
    stranger = Client(running.port, outsider.device_id, outsider_password)
    server = Client(running.port, SERVER, SERVER_PASSWORD)
    for client in members:
        client.subscribe(group)
    stranger.subscribe(group)  # refused: another commune's group
    members[0].publish(group, b"forged by a device")  # refused: only the server publishes commands
    server.publish(group, b"for the commune")
    deadline = time.monotonic() + 5
    while any(not c.messages for c in members) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    for client in members:
        assert client.messages == [(group, b"for the commune")]
    assert stranger.messages == []
    for client in (*members, stranger, server):
        client.close()
    running.close()
