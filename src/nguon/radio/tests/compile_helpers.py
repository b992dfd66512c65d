"""Shared set-up of the compilation and programme tests: real MP3 files, speaker clusters, bulletins with
real (espeak-ng) audio that went through the editorial workflow, and an in-memory publisher."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from nguon.core.access import SystemActor
from nguon.devices.publisher import MemoryPublisher, use_publisher

SYSTEM = SystemActor("tests")
needs_audio_tools = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None,
    reason="ffmpeg and espeak-ng are installed by scripts/setup-os.sh",
)


def mp3_bytes(seconds: float, frequency: int = 440) -> bytes:
    """A real MP3 (a sine tone) of about ``seconds``, made by ffmpeg."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:duration={seconds}",
            "-ac",
            "1",
            "-b:a",
            "32k",
            "-f",
            "mp3",
            "pipe:1",
        ],
        check=True,
        capture_output=True,
    )
    return result.stdout


def store_audio(unit: Any, seconds: float, frequency: int = 440, name: str = "tone.mp3") -> Any:
    """A real MP3 uploaded for ``unit``'s station (``settings.stored_audio``: its duration is probed)."""
    from nguon.radio.services.settings import stored_audio

    upload = SimpleUploadedFile(name, mp3_bytes(seconds, frequency), content_type="audio/mpeg")
    with transaction.atomic(), stored_audio(actor=SYSTEM, unit=unit, upload=upload) as blob:
        return blob


@pytest.fixture
def memory_publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


def register_cluster(
    unit: Any, serial: str, *, residential: Any = None, kind: str = "speaker_cluster"
) -> Any:
    from nguon.devices.services.registry import register_device

    return register_device(
        actor=SYSTEM, kind=kind, serial=serial, unit=unit, residential_unit=residential, name=serial
    )


def residential(commune: Any, local: str, name: str) -> Any:
    from nguon.units import services as unit_services

    return unit_services.save_residential_unit(
        actor=SYSTEM, commune=commune, local_code=local, name=name, kind="to_dan_pho"
    )


def set_broadcast_settings(unit: Any, **values: Any) -> Any:
    """Change some of the station's settings through ``save_settings``, keeping the others."""
    from nguon.radio.services.programmes import settings_for
    from nguon.radio.services.settings import save_settings

    current = settings_for(unit)
    fields = ("quiet_start", "quiet_end", "fallback_blob", "horizon_days", "emergency_second_approver")
    merged = {name: getattr(current, name) for name in fields} | values
    return save_settings(actor=SYSTEM, unit=unit, **merged)


def approved_bulletin(
    *,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    capture: Any,
    title: str,
    priority: str = "normal",
    with_audio: bool = True,
    **extra: Any,
) -> Any:
    """A department bulletin for ``commune``, with its audio read by espeak-ng, through submit → appraise
    → approve, and accepted in the commune's inbox."""
    from nguon.content.models import Bulletin, InboxEntry
    from nguon.content.services import bulletins, inbox, renditions, workflow
    from nguon.speech.models import Voice

    voice = Voice.objects.get(code="espeak-vi-bac")
    data = bulletin_input(
        title=title,
        summary="",
        body=f"<p>{title}.</p>",
        priority=priority,
        target_scope="communes",
        targets=[commune],
        voice=voice if with_audio else None,
        **extra,
    )
    b = bulletins.create_bulletin(actor=people.contributor, organisation=department, data=data)
    if with_audio:
        with capture(execute=True):
            renditions.render_audio(actor=people.contributor, bulletin=b)
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    inbox.accept(actor=people.operator, entry=InboxEntry.objects.get(bulletin=b, unit=commune))
    return Bulletin.objects.select_related("audio_render").get(pk=b.pk)


MORNING = time(6, 0)
EVENING = time(17, 30)
