"""Fixtures of the devices tests: a commune's speaker cluster, a short WAV stored as a MediaBlob, and an
in-memory publisher instead of the broker (the MQTT tests start their own Mosquitto)."""

from __future__ import annotations

import io
import math
import struct
import threading
import wave
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from nguon.agent.core import Agent, AgentOptions
from nguon.agent.sinks import NullSink
from nguon.core.access import SystemActor
from nguon.devices.broker import server_account
from nguon.devices.ingest_loop import IngestLoop
from nguon.devices.publisher import MemoryPublisher, MqttPublisher, use_publisher

from .mosquitto import SERVER_PASSWORD, Broker, http_server

ACTOR = SystemActor("tests")


def wav_bytes(seconds: float = 0.5, frequency: int = 440) -> bytes:
    rate = 8000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / rate)))
            for n in range(int(rate * seconds))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def store_blob(seconds: float = 0.5, frequency: int = 440) -> Any:
    from nguon.content.services.attachments import stored_blob

    upload = SimpleUploadedFile("tone.wav", wav_bytes(seconds, frequency), content_type="audio/wav")
    with transaction.atomic(), stored_blob(upload) as blob:
        return blob


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture
def device(db: Any, commune: Any, publisher: MemoryPublisher) -> Any:
    from nguon.devices.services.registry import register_device

    return register_device(
        actor=ACTOR, kind="speaker_cluster", serial="SN-0001", unit=commune, vendor="Thử nghiệm"
    )


@pytest.fixture
def blob(db: Any) -> Any:
    return store_blob()


@pytest.fixture
def broker(db, tmp_path, settings, monkeypatch, django_capture_on_commit_callbacks) -> Iterator[Broker]:
    """A private Mosquitto, the project over HTTP, and the real MQTT publisher. The test runs inside one
    transaction shared with the HTTP threads; commands are published when the services' blocks end."""
    broker = Broker(tmp_path / "broker")
    url = f"mqtt://127.0.0.1:{broker.port}"
    settings.NGUON_MQTT_URL = settings.NGUON_DEVICE_MQTT_URL = url
    settings.NGUON_MQTT_PASSWORD = SERVER_PASSWORD
    monkeypatch.setattr("nguon.devices.ingest_loop.close_old_connections", lambda: None)  # shared connection
    publisher = MqttPublisher(server_account(), client_id="nguon-test-publisher")
    previous = use_publisher(publisher)
    with http_server() as base_url:
        settings.NGUON_PUBLIC_URL = base_url
        yield broker
    publisher.close()
    use_publisher(previous)
    broker.stop()


@pytest.fixture
def ingest(broker) -> Iterator[IngestLoop]:
    loops: list[IngestLoop] = []

    def start() -> IngestLoop:
        loop = IngestLoop(server_account(), client_id="nguon-ingest-test", reconnect_max_s=1)
        loop.start()
        loops.append(loop)
        return loop

    yield start  # type: ignore[misc]
    for loop in loops:
        loop.stop()


class RunningAgent:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.stop = threading.Event()
        self.thread = threading.Thread(target=agent.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)


@pytest.fixture
def run_agent(tmp_path) -> Iterator[Any]:
    running: list[RunningAgent] = []

    def start(bundle: Any, name: str = "agent") -> Agent:
        agent = Agent(
            bundle,
            tmp_path / name,
            NullSink(),
            AgentOptions(heartbeat_s=1, tick_s=0.05, reconnect_max_s=1, sync_interval_s=3600),
        )
        running.append(RunningAgent(agent))
        return agent

    yield start
    for item in running:
        item.close()
