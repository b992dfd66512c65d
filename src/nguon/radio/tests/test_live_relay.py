"""The browser-microphone path without a browser: WebM/Opus chunks POSTed in order to the API reach a real
Icecast mount through one relay runner per session (any web worker may take a chunk), listeners get MP3
bytes, gaps and retries are handled, and ending the session stops the runner and removes its files."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.content.tests.conftest import sign_in  # noqa: F401 — fixture
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture
from nguon.radio import icecast, live_relay
from nguon.radio.choices import LiveKind
from nguon.radio.services.live import relay_dir, start_live

from .live_helpers import read_mount, running_icecast, wait_for, webm_opus
from .test_live import ACTOR, clusters  # noqa: F401 — fixture


@pytest.fixture
def ice(settings, monkeypatch):
    yield from running_icecast(settings, monkeypatch)


def test_microphone_chunks_reach_the_mount_and_listeners_hear_them(
    clusters,  # noqa: F811 — fixture
    make_user,
    commune,
    client,
    sign_in,  # noqa: F811 — fixture
    ice,
    django_capture_on_commit_callbacks,
):
    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    sign_in(operator)
    with django_capture_on_commit_callbacks(execute=True):
        session = start_live(actor=operator, unit=commune, title="Micrô", kind=LiveKind.MICROPHONE)
    recording = webm_opus(8.0)
    size = 4096
    chunks = [recording[i : i + size] for i in range(0, len(recording), size)]
    url = f"/api/v1/radio/live/{session.pk}/chunks"

    def post(seq: int, data: bytes) -> Any:
        return client.post(f"{url}/{seq}", data, content_type="application/octet-stream")

    assert post(0, chunks[0]).json() == {"seq": 0, "stored": True}
    assert post(0, chunks[0]).json() == {"seq": 0, "stored": False}  # a retry is harmless
    gap = post(2, chunks[2])
    assert gap.status_code == 422
    assert gap.json()["error"]["details"] == [{"field": "seq", "message": "Thiếu đoạn âm thanh số 1."}]
    for seq, chunk in enumerate(chunks[1:], start=1):
        assert post(seq, chunk).status_code == 200
    directory = relay_dir(session)
    assert (directory / "input.webm").read_bytes() == recording
    pid = live_relay.runner_pid(directory)
    assert pid is not None
    wait_for(lambda: session.mount in icecast.live_mounts(ice), timeout=20)
    data = read_mount(ice.local_url + session.mount, 4096)
    assert len(data) == 4096
    assert data[:3] == b"ID3" or data[0] == 0xFF
    ended = client.post(f"/api/v1/radio/live/{session.pk}/end", content_type="application/json")
    assert ended.json()["status"] == "ended"
    # The runner stops and its folder goes (the end's on-commit work runs at the end of the request here).
    live_relay.stop(directory)
    assert not directory.exists()
    assert live_relay.runner_pid(directory) is None


def test_a_runner_started_again_mid_session_sends_the_header_then_only_new_sound(tmp_path, monkeypatch):
    directory = tmp_path / "live" / "1"
    directory.mkdir(parents=True)
    out = tmp_path / "to-icecast.bin"
    # ffmpeg replaced by cat: what the runner pipes in is exactly what reaches the output
    monkeypatch.setattr(live_relay, "ffmpeg_argv", lambda target: ["sh", "-c", f"cat >> {out}"])
    header, old = b"\x1aE\xdf\xa3-header-", b"o" * 100_000
    (directory / "header.webm").write_bytes(header)
    (directory / "input.webm").write_bytes(header + old)

    def append_later() -> None:
        time.sleep(0.3)
        with (directory / "input.webm").open("ab") as handle:
            handle.write(b"new-sound")

    writer = threading.Thread(target=append_later)
    writer.start()
    assert live_relay.run(directory, "icecast://unused", idle_s=1.0) == 0  # stops by itself when idle
    writer.join()
    assert out.read_bytes() == header + b"new-sound"  # the old 100 kB are not aired again


def test_chunks_are_stored_in_order_once_and_a_dead_runner_is_replaced(tmp_path, monkeypatch):
    directory = tmp_path / "live" / "2"
    monkeypatch.setattr(live_relay, "IDLE_S", 60.0)
    target = "icecast://source:x@127.0.0.1:9/none.mp3"
    assert live_relay.append_chunk(directory, seq=0, data=b"\x1aE\xdf\xa3header", target=target)
    first = live_relay.runner_pid(directory)
    assert first is not None
    os.kill(first, signal.SIGKILL)  # a crashed runner
    wait_for(lambda: live_relay.runner_pid(directory) is None)
    assert live_relay.append_chunk(directory, seq=1, data=b"more", target=target)
    second = live_relay.runner_pid(directory)
    assert second not in (None, first)
    assert not live_relay.append_chunk(directory, seq=1, data=b"more", target=target)  # a retry
    with pytest.raises(live_relay.ChunkOutOfOrderError):
        live_relay.append_chunk(directory, seq=5, data=b"late", target=target)
    with pytest.raises(ValueError, match="too large"):
        live_relay.append_chunk(directory, seq=2, data=b"x" * (live_relay.MAX_CHUNK_BYTES + 1), target=target)
    assert (directory / "input.webm").read_bytes() == b"\x1aE\xdf\xa3headermore"
    live_relay.stop(directory)
    assert not directory.exists()
    assert live_relay.runner_pid(directory) is None
    directory.mkdir(parents=True)
    (directory / "stop").touch()
    with pytest.raises(ValueError, match="ended"):
        live_relay.append_chunk(directory, seq=0, data=b"x", target=target)
