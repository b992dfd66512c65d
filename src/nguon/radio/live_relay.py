"""The browser-microphone path of a live session: audio chunks in, one ffmpeg per session out to Icecast.

The browser records with ``MediaRecorder`` (WebM/Opus) and POSTs a chunk about every 500 ms, numbered
from 0. The web server may run several worker processes, and a chunk may reach any of them, so nothing
lives in a worker's memory. Everything is in ``$NGUON_DATA_DIR/live/<session id>/``:

- ``input.webm``: the chunks, appended in order under a file lock (``lock``); ``seq`` is the last one;
  ``header.webm`` is chunk 0 (the WebM header a decoder needs to start);
- ``runner.pid``: the relay runner, ``python -m nguon.radio.live_relay DIR``, started (detached) by the
  first worker that finds none alive. It follows ``input.webm`` like ``tail -f`` and pipes it into
  ``ffmpeg -i pipe:0 -c:a libmp3lame -b:a 64k -f mp3 icecast://…``. It stops after ``IDLE_S`` seconds
  without a chunk (the browser went away), or when ``stop`` appears (the session ended). A runner started
  again mid-session sends the header, then continues from the end: nothing is aired twice. When ffmpeg
  ends early (Icecast refused the source while reading its configuration again, or restarted), the
  runner starts a new one with the header and the last few seconds.

The Icecast URL, with the session's source password, reaches the runner through its environment
(``NGUON_LIVE_TARGET``), not its command line; ffmpeg itself takes it as an argument, which local users
of the host could see in the process list (the password is valid for this session's mount only).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("nguon.radio.live")

MAX_CHUNK_BYTES = 512 * 1024
IDLE_S = 20.0
RESEND_BYTES = 32 * 1024  # about 5 s of the browser's Opus, sent again to an ffmpeg started again
POLL_S = 0.05


class ChunkOutOfOrderError(ValueError):
    def __init__(self, expected: int) -> None:
        super().__init__(f"expected chunk {expected}")
        self.expected = expected


def session_dir(data_dir: Path, session_id: int) -> Path:
    return data_dir / "live" / str(session_id)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "lock").open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _last_seq(directory: Path) -> int:
    try:
        return int((directory / "seq").read_text())
    except (OSError, ValueError):
        return -1


#: runners this process started: polled so that finished ones are reaped (no zombies that look alive)
_children: list[subprocess.Popen[bytes]] = []


def runner_pid(directory: Path) -> int | None:
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)
    try:
        pid = int((directory / "runner.pid").read_text())
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None
    return None if state == "Z" else pid


def append_chunk(directory: Path, *, seq: int, data: bytes, target: str) -> bool:
    """Store chunk ``seq`` and make sure a runner feeds Icecast. Returns False for a chunk already stored
    (a retry), raises :class:`ChunkOutOfOrderError` for a gap, ``ValueError`` for an oversized chunk."""
    if len(data) > MAX_CHUNK_BYTES:
        raise ValueError("chunk too large")
    if (directory / "stop").exists():
        raise ValueError("session ended")
    with _locked(directory):
        last = _last_seq(directory)
        if seq <= last:
            return False
        if seq != last + 1:
            raise ChunkOutOfOrderError(last + 1)
        if seq == 0:
            (directory / "header.webm").write_bytes(data)
        with (directory / "input.webm").open("ab") as out:
            out.write(data)
        (directory / "seq").write_text(str(seq))
        if runner_pid(directory) is None:
            _spawn_runner(directory, target)
    return True


def _spawn_runner(directory: Path, target: str) -> None:
    env = {**os.environ, "NGUON_LIVE_TARGET": target}
    log_file = (directory / "runner.log").open("ab")  # handed to the child, closed here
    try:
        process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [sys.executable, "-m", "nguon.radio.live_relay", str(directory)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            env=env,
            start_new_session=True,  # outlives the web worker's request; stops by itself when idle
        )
    finally:
        log_file.close()
    _children.append(process)
    (directory / "runner.pid").write_text(str(process.pid))


def stop(directory: Path, *, wait_s: float = 5.0) -> None:
    """End the session's relay: mark it stopped, stop the runner, remove the folder."""
    if not directory.exists():
        return
    (directory / "stop").touch()
    pid = runner_pid(directory)
    if pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait_s
        while runner_pid(directory) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    shutil.rmtree(directory, ignore_errors=True)


def ffmpeg_argv(target: str) -> list[str]:
    return [
        shutil.which("ffmpeg") or "ffmpeg",
        "-loglevel",
        "error",
        "-fflags",
        "+nobuffer",
        "-i",
        "pipe:0",
        "-vn",
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "64k",
        "-content_type",
        "audio/mpeg",
        "-f",
        "mp3",
        target,
    ]


def _start_ffmpeg(target: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(ffmpeg_argv(target), stdin=subprocess.PIPE)  # noqa: S603 — fixed arguments


def _close(process: subprocess.Popen[bytes]) -> int:
    with contextlib.suppress(BrokenPipeError, OSError):
        if process.stdin is not None:
            process.stdin.close()
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def _resume(handle: BinaryIO, head: bytes, position: int) -> bytes:
    """Seek to ``position`` and return the header to send first, or seek to 0 when that is near the start."""
    if head and position > len(head):
        handle.seek(position)
        return head
    handle.seek(0)
    return b""


def run(directory: Path, target: str, *, idle_s: float = IDLE_S, retry_s: float = 1.0) -> int:
    """The runner: follow ``input.webm`` into ffmpeg until idle or stopped. When ffmpeg ends early (Icecast
    refused the source while reading its configuration again, or restarted), a new ffmpeg gets the WebM
    header and goes on from where the last one stopped."""
    stopping = False

    def on_term(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    source = directory / "input.webm"
    header = directory / "header.webm"
    head = header.read_bytes() if header.exists() else b""
    process = _start_ffmpeg(target)
    code = 0
    with source.open("rb") as handle:
        size = source.stat().st_size
        # Started again mid-session: the header, then only what comes from now on.
        pending = _resume(handle, head, size if size > len(head) + 64 * 1024 else 0)
        last_data = time.monotonic()
        while not stopping and not (directory / "stop").exists():
            if process.poll() is not None:
                code = process.returncode
                log.warning("live relay %s: ffmpeg ended (%s); starting it again", directory.name, code)
                time.sleep(retry_s)
                process = _start_ffmpeg(target)
                # What the dead ffmpeg had not aired yet is unknown: give the new one the last few seconds.
                pending = _resume(handle, head, handle.tell() - RESEND_BYTES)
                continue
            data = pending or handle.read(64 * 1024)
            pending = b""
            if not data:
                if time.monotonic() - last_data > idle_s:
                    log.info("live relay %s: no audio for %.0f s, stopping", directory.name, idle_s)
                    break
                time.sleep(POLL_S)
                continue
            try:
                assert process.stdin is not None
                process.stdin.write(data)
                process.stdin.flush()
            except (BrokenPipeError, OSError):
                continue  # ffmpeg went away: the next turn starts a new one
            last_data = time.monotonic()
    code = _close(process) or 0
    with contextlib.suppress(OSError):
        if runner_pid(directory) == os.getpid():
            (directory / "runner.pid").unlink()
    return code


def main() -> None:  # pragma: no cover — exercised as a subprocess by the live tests
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    target = os.environ.get("NGUON_LIVE_TARGET", "")
    if len(sys.argv) != 2 or not target:
        sys.stderr.write("usage: NGUON_LIVE_TARGET=icecast://… python -m nguon.radio.live_relay DIR\n")
        raise SystemExit(2)
    raise SystemExit(run(Path(sys.argv[1]), target))


if __name__ == "__main__":
    main()
