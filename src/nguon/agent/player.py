"""One playback at a time, in a worker thread, ending in a receipt (played, interrupted or failed).

An item names either cached ``media`` (played from ``path``) or a ``stream`` (relayed from its URL for
``duration_ms``, or until stopped when that is 0: a live broadcast)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nguon.agent.sinks import FAILED, Sink
from nguon.devices.protocol import MESSAGE_VERSION
from nguon.devices.protocol.timestamps import format_ts

log = logging.getLogger("nguon.agent")

SCHEDULED, PLAY_NOW, EMERGENCY, LIVE = "scheduled", "play-now", "emergency", "live"
JOIN_TIMEOUT_S = 5.0


def make_receipt(
    device: str,
    item: dict[str, Any],
    *,
    manifest_version: int,
    result: str,
    scheduled_at: str | None = None,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    emergency: bool = False,
    detail: str = "",
) -> dict[str, Any]:
    receipt: dict[str, Any] = {
        "v": MESSAGE_VERSION,
        "device": device,
        "id": str(uuid.uuid4()),
        "item": item["id"],
        "media": item["media"]["sha256"] if "media" in item else None,  # a stream has no media
        "manifest_version": manifest_version,
        "scheduled_at": scheduled_at,
        "started_at": format_ts(started_at) if started_at else None,
        "ended_at": format_ts(ended_at) if ended_at else None,
        "result": result,
        "emergency": emergency,
    }
    if detail:
        receipt["detail"] = detail[:500]
    return receipt


@dataclass
class Playback:
    item: dict[str, Any]
    kind: str
    manifest_version: int
    scheduled_at: str | None
    started_at: datetime
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class Player:
    def __init__(
        self,
        *,
        device: str,
        sink: Sink,
        clock: Callable[[], datetime],
        volume: Callable[[], int],
        on_receipt: Callable[[dict[str, Any]], None],
    ) -> None:
        self.device = device
        self.sink = sink
        self.clock = clock
        self.volume = volume
        self.on_receipt = on_receipt
        self._lock = threading.Lock()
        self._current: Playback | None = None

    @property
    def current(self) -> Playback | None:
        with self._lock:
            return self._current

    def start(
        self,
        item: dict[str, Any],
        path: Path | None,
        *,
        kind: str,
        manifest_version: int,
        scheduled_at: str | None = None,
    ) -> Playback:
        playback = Playback(item, kind, manifest_version, scheduled_at, self.clock())
        with self._lock:
            if self._current is not None:
                raise RuntimeError("already playing")
            self._current = playback
        playback.thread = threading.Thread(
            target=self._run, args=(playback, path), name=f"play-{item['id']}", daemon=True
        )
        playback.thread.start()
        return playback

    def stop_current(self, kinds: frozenset[str] = frozenset({SCHEDULED, PLAY_NOW, EMERGENCY, LIVE})) -> bool:
        """Interrupt the current playback if it is of one of ``kinds``; wait until its receipt is written."""
        playback = self.current
        if playback is None or playback.kind not in kinds:
            return False
        playback.stop.set()
        if playback.thread is not None and playback.thread is not threading.current_thread():
            playback.thread.join(JOIN_TIMEOUT_S)
        return True

    def _play(self, item: dict[str, Any], path: Path | None, stop: threading.Event) -> str:
        duration_s, volume = item["duration_ms"] / 1000, item.get("volume", self.volume())
        if "stream" in item:
            return self.sink.play_stream(
                item["stream"]["url"], duration_s=duration_s, volume=volume, stop=stop
            )
        if path is None:
            log.error("%s: no media file to play", item["id"])
            return FAILED
        return self.sink.play(path, duration_s=duration_s, volume=volume, stop=stop)

    def _run(self, playback: Playback, path: Path | None) -> None:
        item = playback.item
        try:
            result = self._play(item, path, playback.stop)
        except Exception:  # a broken output must not kill the agent
            log.exception("playing %s failed", item["id"])
            result = FAILED
        receipt = make_receipt(
            self.device,
            item,
            manifest_version=playback.manifest_version,
            result=result,
            scheduled_at=playback.scheduled_at,
            started_at=playback.started_at,
            ended_at=self.clock(),
            emergency=playback.kind == EMERGENCY,
            detail="" if playback.kind == SCHEDULED else playback.kind,
        )
        try:
            self.on_receipt(receipt)
        finally:
            with self._lock:
                if self._current is playback:
                    self._current = None
