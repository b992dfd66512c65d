"""Audio outputs. A sink plays one file and returns how it ended; ``stop`` interrupts it at once."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

log = logging.getLogger("nguon.agent")

PLAYED, INTERRUPTED, FAILED = "played", "interrupted", "failed"


class Sink(Protocol):
    def play(self, path: Path, *, duration_s: float, volume: int, stop: threading.Event) -> str: ...


@dataclass
class NullSink:
    """Plays nothing: waits for the item's duration (or ``stop``) and logs. For tests and simulators."""

    max_seconds: float = 60.0
    plays: list[tuple[str, float, float, str]] = field(default_factory=list)

    def play(self, path: Path, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        started = time.monotonic()
        interrupted = stop.wait(min(max(duration_s, 0.05), self.max_seconds))
        result = INTERRUPTED if interrupted else PLAYED
        self.plays.append((path.name, started, time.monotonic(), result))
        log.info("null sink: %s %s (%.2f s, volume %d)", result, path.name[:12], duration_s, volume)
        return result


class FfplaySink:
    """Plays through ffplay (FFmpeg) on the default ALSA/PulseAudio output, as on a field device."""

    def __init__(self, binary: str = "ffplay") -> None:
        found = shutil.which(binary)
        if found is None:
            raise RuntimeError(f"{binary} not found: install ffmpeg, or run with --sink null")
        self.binary = found

    def play(self, path: Path, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        command = [
            self.binary,
            "-nodisp",
            "-autoexit",
            "-loglevel",
            "error",
            "-volume",
            str(volume),
            str(path),
        ]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 — fixed arguments
        while process.poll() is None:
            if stop.wait(0.05):
                process.terminate()
                try:
                    process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    process.kill()
                return INTERRUPTED
        return PLAYED if process.returncode == 0 else FAILED
