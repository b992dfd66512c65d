"""The reference agent with stream items and live broadcasts (null sink): a relay stops at its duration,
live-start switches at once and live-stop ends it, an emergency preempts a live stream, and receipts of
streams carry no media hash."""

from __future__ import annotations

import time
from typing import Any

from nguon.devices.protocol.timestamps import format_ts, utc_now

from .test_agent import Harness, harness, item, media  # noqa: F401 — fixture

STREAM = {"url": "http://127.0.0.1:8010/live-05569-1.mp3", "mime": "audio/mpeg"}


def relay(item_id: str, *, start_in: float, duration_ms: int) -> dict[str, Any]:
    from datetime import timedelta

    return {
        "id": item_id,
        "stream": {"url": "https://radio.thainguyen.vn/kenh1"},
        "duration_ms": duration_ms,
        "start": format_ts(utc_now() + timedelta(seconds=start_in)),
    }


def spooled(h: Harness, item_id: str) -> list[dict[str, Any]]:
    return [r for r in h.agent.storage.spooled() if r["item"] == item_id]


def test_a_scheduled_relay_plays_the_stream_and_stops_at_its_duration(harness):  # noqa: F811
    harness.give([relay("tiep-song", start_in=0.1, duration_ms=400)], [])
    harness.run_until(lambda: harness.agent.player.current is not None)
    started = time.monotonic()
    harness.run_until(lambda: spooled(harness, "tiep-song"))
    assert harness.sink.plays == []  # nothing from the cache
    (url, begin, end, result) = harness.sink.streams[0]
    assert (url, result) == ("https://radio.thainguyen.vn/kenh1", "played")
    assert 0.3 <= end - begin < 2.0
    assert time.monotonic() - started < 2.0
    [receipt] = spooled(harness, "tiep-song")
    assert (receipt["result"], receipt["media"]) == ("played", None)
    assert receipt["scheduled_at"] is not None


def test_live_start_switches_at_once_and_live_stop_returns_to_the_schedule(harness):  # noqa: F811
    normal = b"normal-audio" * 10
    harness.give([item("sang", normal, start_in=-1, duration_ms=10_000)], [normal])
    harness.run_until(lambda: harness.agent.player.current is not None)
    harness.command("live-start", {"id": "lv-7", "title": "Họp dân", "stream": STREAM})
    harness.agent.tick()
    current = harness.agent.player.current
    assert (current.kind, current.item["id"]) == ("live", "lv-7")
    assert [r["result"] for r in spooled(harness, "sang")] == ["interrupted"]
    harness.command("live-stop", {"id": "lv-other"})  # another session's stop changes nothing
    harness.agent.tick()
    assert harness.agent.player.current.item["id"] == "lv-7"
    harness.command("live-stop", {"id": "lv-7"})
    harness.run_until(lambda: spooled(harness, "lv-7"))
    [receipt] = spooled(harness, "lv-7")
    assert (receipt["result"], receipt["media"], receipt["detail"]) == ("interrupted", None, "live")
    assert harness.sink.streams[0][0] == STREAM["url"]
    assert harness.agent.player.current is None or harness.agent.player.current.kind != "live"


def test_an_emergency_preempts_a_live_stream_and_live_start_is_refused_during_it(harness):  # noqa: F811
    harness.give([], [])
    harness.command("live-start", {"id": "lv-8", "stream": STREAM})
    harness.agent.tick()
    assert harness.agent.player.current.kind == "live"
    alarm = b"alarm-audio" * 10
    harness.agent.storage.media_path(media(alarm)["sha256"]).write_bytes(alarm)
    harness.command(
        "emergency-start", {"item": {"id": "canh-bao", "media": media(alarm), "duration_ms": 300}}
    )
    harness.agent.tick()
    assert harness.agent.player.current.kind == "emergency"
    assert [r["result"] for r in spooled(harness, "lv-8")] == ["interrupted"]
    events: list[tuple[str, dict[str, Any]]] = []
    harness.agent.event = lambda kind, **fields: events.append((kind, fields))
    harness.command("live-start", {"id": "lv-9", "stream": STREAM})
    harness.agent.tick()
    assert harness.agent.player.current.kind == "emergency"
    assert [kind for kind, _ in events] == ["error"]
    assert "emergency" in events[0][1]["detail"]


def test_items_due_during_a_live_broadcast_are_skipped(harness):  # noqa: F811
    later = b"later-audio" * 10
    harness.give([item("ngan", later, start_in=0.1, duration_ms=100, until_in=0.3)], [later])
    harness.command("live-start", {"id": "lv-10", "stream": STREAM})
    harness.run_until(lambda: spooled(harness, "ngan"))
    assert [(r["result"], r.get("detail")) for r in spooled(harness, "ngan")] == [
        ("skipped", "live broadcast")
    ]
    assert harness.agent.player.current.kind == "live"
