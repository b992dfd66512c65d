"""Test helpers for live broadcasts: a real Icecast2 started for the test (skipped when the binary is
missing, except with ``CI=true``, where that fails), audio made by ffmpeg, reading a mount over HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.radio import icecast


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_icecast() -> str:
    found = icecast.binary()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("icecast2 is not installed and CI=true (scripts/setup-os.sh installs it)")
        pytest.skip("icecast2 is not installed (scripts/setup-os.sh)")
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is not installed and CI=true")
        pytest.skip("ffmpeg is not installed")
    return found


def wait_for(condition: Callable[[], object], timeout: float = 15.0, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(step)


def read_mount(url: str, size: int, timeout: float = 10.0) -> bytes:
    """The first ``size`` bytes a listener gets from a mount."""
    data = b""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 — local test server
        while len(data) < size:
            chunk = response.read(size - len(data))
            if not chunk:
                break
            data += chunk
    return data


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def running_icecast(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[icecast.IcecastSettings]:
    """Icecast on a free port with its folder in a fresh data dir (readable by the unprivileged account
    Icecast uses when the tests run as root), the project's settings pointing at it."""
    require_icecast()
    data_dir = Path(tempfile.mkdtemp(prefix="nguon-icecast-"))
    data_dir.chmod(0o755)
    port = free_port()
    monkeypatch.setenv("NGUON_ICECAST_PORT", str(port))
    monkeypatch.setenv("NGUON_ICECAST_BIND", "127.0.0.1")
    monkeypatch.delenv("NGUON_ICECAST_SOURCE_PASSWORD", raising=False)
    monkeypatch.delenv("NGUON_ICECAST_PUBLIC_URL", raising=False)
    settings.DATA_DIR = data_dir
    ice = icecast.current_settings()
    icecast.write_config(ice, [], fresh=True)
    process = subprocess.Popen(icecast.argv(ice))
    try:
        wait_for(lambda: port_open(port) and icecast.running_pid(ice) is not None)
        yield ice
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


def ffmpeg_source(target: str, *, seconds: float = 30, frequency: int = 440) -> subprocess.Popen[bytes]:
    """ffmpeg sending a tone, in real time, as MP3 to an Icecast mount (``icecast://source:pw@host:port/m``)."""
    return subprocess.Popen(
        [
            "ffmpeg", "-loglevel", "error", "-re", "-f", "lavfi", "-i", f"sine=frequency={frequency}",
            "-t", str(seconds), "-c:a", "libmp3lame", "-b:a", "64k", "-content_type", "audio/mpeg",
            "-f", "mp3", target,
        ],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def feed_mount(ice: icecast.IcecastSettings, mount: str, password: str) -> subprocess.Popen[bytes]:
    """A tone on ``mount`` until Icecast lists it as live. Icecast reads its configuration again within
    about a second of SIGHUP; a source that came too early is refused (401), so it is started again."""
    host = ice.local_url.split("://")[1]
    deadline = time.monotonic() + 15
    while True:
        source = ffmpeg_source(f"icecast://source:{password}@{host}{mount}")
        while source.poll() is None and time.monotonic() < deadline:
            if mount in icecast.live_mounts(ice):
                return source
            time.sleep(0.2)
        source.kill()
        source.wait()
        if time.monotonic() >= deadline:
            raise AssertionError(f"no source on {mount}")
        time.sleep(0.3)


def webm_opus(seconds: float = 6.0) -> bytes:
    """A tone as WebM/Opus, what a browser's MediaRecorder produces."""
    result = subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", f"sine=frequency=660:duration={seconds}",
            "-c:a", "libopus", "-b:a", "48k", "-f", "webm", "pipe:1",
        ],
        capture_output=True,
        check=True,
    )  # fmt: skip
    return result.stdout
