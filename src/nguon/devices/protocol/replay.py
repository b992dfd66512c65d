"""The device's memory of the last command sequence number it accepted, kept across restarts."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Protocol


class SequenceStore(Protocol):
    def last(self) -> int: ...

    def advance(self, seq: int) -> None: ...


class MemorySequenceStore:
    """For tests and simulators that do not restart."""

    def __init__(self, last: int = 0) -> None:
        self._last = last

    def last(self) -> int:
        return self._last

    def advance(self, seq: int) -> None:
        if seq <= self._last:
            raise ValueError("sequence numbers only go up")
        self._last = seq


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
    """``{"last_seq": n}`` in one small file, written atomically *before* the command is carried out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._last = 0
        if path.exists():
            self._last = int(json.loads(path.read_text("utf-8")).get("last_seq", 0))

    def last(self) -> int:
        return self._last

    def advance(self, seq: int) -> None:
        with self._lock:
            if seq <= self._last:
                raise ValueError("sequence numbers only go up")
            write_atomically(self.path, json.dumps({"last_seq": seq}).encode("utf-8"))
            self._last = seq
