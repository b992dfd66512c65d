"""The device's memory of the last command sequence number it accepted, kept across restarts.

Sequences count per *stream*: ``""`` for the commands addressed to the device itself, and the group id
for group commands (protocol level 2), which the server numbers per group. Commands of different streams
travel on different topics, and MQTT keeps order only within one topic.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Protocol

DEVICE_STREAM = ""


class SequenceStore(Protocol):
    def last(self, stream: str = DEVICE_STREAM) -> int: ...

    def advance(self, seq: int, stream: str = DEVICE_STREAM) -> None: ...


class MemorySequenceStore:
    """For tests and simulators that do not restart."""

    def __init__(self, last: int = 0) -> None:
        self._last: dict[str, int] = {DEVICE_STREAM: last}

    def last(self, stream: str = DEVICE_STREAM) -> int:
        return self._last.get(stream, 0)

    def advance(self, seq: int, stream: str = DEVICE_STREAM) -> None:
        if seq <= self.last(stream):
            raise ValueError("sequence numbers only go up")
        self._last[stream] = seq


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` so that a power cut leaves either the old or the new file, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class FileSequenceStore:
    """``{"last_seq": n, "groups": {"g-…": m}}`` in one small file, written atomically *before* the
    command is carried out (a file from level 1, without ``groups``, reads as it was)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._last: dict[str, int] = {DEVICE_STREAM: 0}
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
            self._last[DEVICE_STREAM] = int(data.get("last_seq", 0))
            self._last.update({str(g): int(n) for g, n in dict(data.get("groups", {})).items()})

    def last(self, stream: str = DEVICE_STREAM) -> int:
        return self._last.get(stream, 0)

    def advance(self, seq: int, stream: str = DEVICE_STREAM) -> None:
        with self._lock:
            if seq <= self.last(stream):
                raise ValueError("sequence numbers only go up")
            after = {**self._last, stream: seq}
            groups = {g: n for g, n in sorted(after.items()) if g != DEVICE_STREAM}
            data = {"last_seq": after[DEVICE_STREAM], **({"groups": groups} if groups else {})}
            write_atomically(self.path, json.dumps(data).encode("utf-8"))
            self._last = after
