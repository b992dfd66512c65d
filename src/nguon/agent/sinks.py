"""Audio outputs. A sink plays one file, or relays one stream (a live broadcast, the provincial channel),
and returns how it ended; ``stop`` interrupts it at once."""

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

    def play_stream(self, url: str, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        """Relay ``url`` until ``stop``, or for ``duration_s`` seconds when it is above 0."""
        ...


@dataclass
class NullSink:
    """Plays nothing: waits for the item's duration (or ``stop``) and logs. For tests and simulators."""

    max_seconds: float = 60.0
    plays: list[tuple[str, float, float, str]] = field(default_factory=list)
    streams: list[tuple[str, float, float, str]] = field(default_factory=list)

    def play(self, path: Path, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        started = time.monotonic()
        interrupted = stop.wait(min(max(duration_s, 0.05), self.max_seconds))
        result = INTERRUPTED if interrupted else PLAYED
        self.plays.append((path.name, started, time.monotonic(), result))
        log.info("null sink: %s %s (%.2f s, volume %d)", result, path.name[:12], duration_s, volume)
        return result

    def play_stream(self, url: str, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        started = time.monotonic()
        limit = min(duration_s, self.max_seconds) if duration_s > 0 else self.max_seconds
        interrupted = stop.wait(max(limit, 0.05))
        result = INTERRUPTED if interrupted else PLAYED
        self.streams.append((url, started, time.monotonic(), result))
        log.info(
            "null sink: %s stream %s (%.2f s, volume %d)", result, url, time.monotonic() - started, volume
        )
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
        return self._run(command, stop=stop, deadline=None)

    def play_stream(self, url: str, *, duration_s: float, volume: int, stop: threading.Event) -> str:
        # ffmpeg's HTTP client reconnects by itself after a short network loss.
        command = [
            self.binary,
            "-nodisp",
            "-autoexit",
            "-loglevel",
            "error",
            "-reconnect",
            "1",
            "-reconnect_streamed",
            "1",
            "-reconnect_delay_max",
            "5",
            "-volume",
            str(volume),
            url,
        ]
        deadline = time.monotonic() + duration_s if duration_s > 0 else None
        return self._run(command, stop=stop, deadline=deadline)

    def _run(self, command: list[str], *, stop: threading.Event, deadline: float | None) -> str:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 — fixed arguments
        while process.poll() is None:
            interrupted = stop.wait(0.05)
            ended = deadline is not None and time.monotonic() >= deadline
            if interrupted or ended:
                process.terminate()
                try:
                    process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    process.kill()
                return INTERRUPTED if interrupted else PLAYED
        return PLAYED if process.returncode == 0 else FAILED
