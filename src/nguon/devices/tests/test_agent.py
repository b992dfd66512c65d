"""The reference agent without a broker: commands through its own checks, the schedule, emergencies,
the cache and the spool, and its HTTP client's integrity rules."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from nguon.agent.cli import main as agent_main
from nguon.agent.core import Agent, AgentOptions
from nguon.agent.fetch import FetchError, MediaCorruptError, ServerClient
from nguon.agent.sinks import NullSink
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.protocol.commands import encode, sign_command
from nguon.devices.protocol.keys import SigningKey
from nguon.devices.protocol.manifests import build_manifest, sign_manifest
from nguon.devices.protocol.timestamps import format_ts, utc_now

DEVICE = "d-0123456789ab"
KEY = SigningKey.generate()


def bundle(base_url: str = "http://127.0.0.1:9", mode: str = "speaker") -> Bundle:
    return Bundle(
        device=DEVICE,
        mode=mode,
        protocol=1,
        mqtt_host="127.0.0.1",
        mqtt_port=1,
        mqtt_tls=False,
        mqtt_username=DEVICE,
        mqtt_password="p" * 30,
        base_url=base_url,
        token="t" * 30,
        server_public_key=KEY.public_b64(),
        issued_at=format_ts(utc_now()),
        heartbeat_s=60,
    )


class Message:
    def __init__(self, topic: str, payload: bytes) -> None:
        self.topic, self.payload = topic, payload


def media(data: bytes) -> dict[str, Any]:
    sha = hashlib.sha256(data).hexdigest()
    return {"sha256": sha, "size": len(data), "mime": "audio/wav", "url": f"/api/v1/devices/me/media/{sha}"}


def item(
    item_id: str, data: bytes, *, start_in: float, duration_ms: int, until_in: float | None = None
) -> dict[str, Any]:
    now = utc_now()
    entry = {
        "id": item_id,
        "media": media(data),
        "duration_ms": duration_ms,
        "start": format_ts(now + timedelta(seconds=start_in)),
    }
    if until_in is not None:
        entry["start_until"] = format_ts(now + timedelta(seconds=until_in))
    return entry


class Harness:
    """An agent driven tick by tick, with its manifest and media put in place as a sync would."""

    def __init__(self, state: Path) -> None:
        self.sink = NullSink()
        self.agent = Agent(bundle(), state, self.sink, AgentOptions(sync_interval_s=3600))
        self.seq = 0

    def give(self, items: list[dict[str, Any]], blobs: list[bytes]) -> None:
        for data in blobs:
            self.agent.storage.media_path(hashlib.sha256(data).hexdigest()).write_bytes(data)
        manifest = sign_manifest(
            KEY, build_manifest(device=DEVICE, version=1, mode="speaker", items=items, generated_at=utc_now())
        )
        self.agent.manifest, self.agent.manifest_received_at = manifest, utc_now()
        self.agent.storage.write(
            "manifest.json", {"manifest": manifest, "etag": '"1-x"', "received_at": format_ts(utc_now())}
        )

    def command(self, type_: str, body: dict[str, Any], **overrides: Any) -> None:
        self.seq += 1
        envelope = sign_command(KEY, device=DEVICE, seq=self.seq, type=type_, body=body)
        envelope.update(overrides)
        self.agent._on_message(None, None, Message(f"nguon/v1/d/{DEVICE}/cmd", encode(envelope)))  # type: ignore[arg-type]

    def run_until(self, condition: Any, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            self.agent.tick()
            time.sleep(0.02)

    def receipts(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for receipt in self.agent.storage.spooled():
            out.setdefault(receipt["item"], []).append((receipt["result"], receipt.get("detail", "")))
        return out


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path / "state")
    yield h
    h.agent.player.stop_current()


def test_emergency_preempts_at_once_and_the_schedule_resumes_after_it(harness):
    normal, alarm, later = b"normal-audio" * 10, b"alarm-audio" * 10, b"later-audio" * 10
    harness.give(
        [
            item("sang", normal, start_in=-1, duration_ms=10_000),
            item(
                "ngan", later, start_in=0.2, duration_ms=100, until_in=0.4
            ),  # its whole window falls in the alarm
            item("trua", later, start_in=0.3, duration_ms=100, until_in=30),
        ],
        [normal, later],
    )
    harness.run_until(lambda: harness.agent.player.current is not None)
    assert harness.agent.player.current.item["id"] == "sang"
    alarm_item = {"id": "canh-bao", "media": media(alarm), "duration_ms": 200}
    harness.agent.storage.media_path(media(alarm)["sha256"]).write_bytes(alarm)
    harness.command("emergency-start", {"item": alarm_item})
    harness.agent.tick()
    assert harness.agent.player.current.kind == "emergency"  # no waiting for the 10 s item
    assert harness.receipts()["sang"] == [("interrupted", "")]
    harness.run_until(lambda: "canh-bao" in harness.receipts() and "ngan" in harness.receipts())
    assert harness.receipts()["ngan"] == [("skipped", "emergency")]
    assert "trua" not in harness.receipts()  # due, but waiting for the emergency to end
    harness.command("emergency-stop", {})
    harness.run_until(lambda: "trua" in harness.receipts())
    assert harness.receipts()["trua"] == [("played", "")]
    assert harness.receipts()["canh-bao"] == [("played", "emergency")]


def test_it_keeps_playing_from_its_cache_after_a_restart_without_any_network(tmp_path):
    first = Harness(tmp_path / "state")
    data = b"cached-audio" * 20
    first.give([item("chieu", data, start_in=0.3, duration_ms=100)], [data])
    first.agent.client.loop_stop()
    restarted = Harness(tmp_path / "state")  # no broker, no HTTP server: only the disk
    assert restarted.agent.manifest is not None
    assert restarted.agent.manifest["items"][0]["id"] == "chieu"
    restarted.run_until(lambda: "chieu" in restarted.receipts())
    assert restarted.receipts()["chieu"] == [("played", "")]
    again = Harness(tmp_path / "state")  # handled items are remembered: no second airing
    for _ in range(10):
        again.agent.tick()
    assert again.sink.plays == []


def test_refused_commands_do_nothing_and_a_tampered_cache_is_not_trusted(harness, tmp_path):
    harness.command("volume", {"level": 15})
    harness.command("volume", {"level": 90}, sig=SigningKey.generate().sign_b64(b"x"))
    harness.command("volume", {"level": 91}, device="d-ffffffffffff")
    harness.agent.tick()
    assert harness.agent.settings["volume"] == 15
    data = b"x" * 50
    harness.give([item("toi", data, start_in=60, duration_ms=100)], [data])
    stored = harness.agent.storage.read("manifest.json", {})
    stored["manifest"]["items"][0]["duration_ms"] = 99_999
    harness.agent.storage.write("manifest.json", stored)
    reloaded = Agent(bundle(), harness.agent.storage.root, NullSink())
    assert reloaded.manifest is None


class _Files(http.server.BaseHTTPRequestHandler):
    content: ClassVar[dict[str, bytes]] = {}
    seen_auth: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen_auth.append(self.headers.get("Authorization", ""))
        data = self.content.get(self.path, b"")
        start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") else 0
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def files() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_media_is_resumed_checked_by_hash_and_fetched_only_from_the_server(files, tmp_path):
    client = ServerClient(bundle(files))
    data = b"0123456789" * 1000
    ref = media(data)
    _Files.content = {ref["url"]: data}
    target = tmp_path / ref["sha256"]
    target.with_name(target.name + ".part").write_bytes(data[:4000])  # an interrupted download
    client.download(ref, target)
    assert target.read_bytes() == data
    assert _Files.seen_auth[-1] == "Bearer " + "t" * 30
    _Files.content = {ref["url"]: b"injected audio" + data[14:]}
    bad = tmp_path / "bad"
    with pytest.raises(MediaCorruptError):
        client.download(ref, bad)
    assert not bad.exists()
    assert not bad.with_name("bad.part").exists()
    before = len(_Files.seen_auth)
    with pytest.raises(FetchError, match="outside the server"):
        client.download({**ref, "url": "http://attacker.example/x"}, tmp_path / "x")
    assert len(_Files.seen_auth) == before  # the token was not sent anywhere


def test_the_cli_says_e_board_mode_is_not_there_yet(tmp_path, capsys):
    path = tmp_path / "bundle.json"
    import json

    path.write_text(json.dumps(bundle(mode="eboard").to_dict()))
    with pytest.raises(SystemExit) as exit_info:
        agent_main(["--bundle", str(path), "--state", str(tmp_path / "s"), "--sink", "null"])
    assert exit_info.value.code == 2
    assert "e-board mode is not implemented" in capsys.readouterr().err
