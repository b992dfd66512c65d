"""Fixtures of the devices tests: a commune's speaker cluster, a short WAV stored as a MediaBlob, and an
in-memory publisher instead of the broker (the MQTT tests start their own Mosquitto)."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from nguon.core.access import SystemActor
from nguon.devices.publisher import MemoryPublisher, use_publisher

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
