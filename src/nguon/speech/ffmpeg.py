"""Running ffmpeg for the audio pipeline: one process, several at once, or an encoder feeding a meter
through a pipe with other runs beside them; and reading the figures ffmpeg's meters print (the
``ebur128`` summary, the ``astats`` peak)."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 600.0


class AudioError(Exception):
    """The audio cannot be used; the message says why in plain Vietnamese."""


@dataclass(frozen=True)
class Levels:
    """What a meter read: integrated loudness (LUFS) and a peak (dBFS: sample or true peak, as asked)."""

    integrated_lufs: float
    peak_dbfs: float


def _require(binary: str) -> None:
    if shutil.which(binary) is None:
        raise AudioError(f"Chưa cài {binary} (apt-get install ffmpeg).")


def run(args: Sequence[str], *, timeout: float = TIMEOUT_SECONDS) -> subprocess.CompletedProcess[bytes]:
    _require(args[0])
    try:
        return subprocess.run(list(args), capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise AudioError("Xử lý âm thanh quá lâu, đã dừng.") from None


def probe_json(path: str, *, timeout: float = 60) -> dict[str, Any] | None:
    """ffprobe's JSON description (format and streams) of the file, or None when it cannot read it."""
    result = run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        timeout=timeout,
    )
    try:
        info = json.loads(result.stdout or b"{}")
    except json.JSONDecodeError:
        return None
    return info if result.returncode == 0 and isinstance(info, dict) else None


def run_parallel(
    commands: Sequence[Sequence[str]], *, timeout: float = TIMEOUT_SECONDS
) -> list[subprocess.CompletedProcess[bytes]]:
    """Run independent commands at the same time (one per core); results in the order given."""
    if len(commands) == 1:
        return [run(commands[0], timeout=timeout)]
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures = [pool.submit(run, command, timeout=timeout) for command in commands]
        return [future.result() for future in futures]


@dataclass(frozen=True)
class Finished:
    returncode: int
    stderr: bytes


def run_piped(
    producer: Sequence[str],
    consumer: Sequence[str],
    others: Sequence[Sequence[str]] = (),
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> list[Finished]:
    """Run ``producer`` with its stdout piped into ``consumer``'s stdin, and ``others`` beside them, all at
    once. Results in the order producer, consumer, *others. Everything is killed at the deadline."""
    _require(producer[0])
    with ExitStack() as stack:
        logs = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(2 + len(others))]
        procs: list[subprocess.Popen[bytes]] = []
        stack.callback(_kill, procs)
        first = subprocess.Popen(  # noqa: S603 - fixed binary, arguments built here
            list(producer), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=logs[0]
        )
        procs.append(first)
        assert first.stdout is not None
        procs.append(
            subprocess.Popen(  # noqa: S603
                list(consumer), stdin=first.stdout, stdout=subprocess.DEVNULL, stderr=logs[1]
            )
        )
        first.stdout.close()  # the consumer holds the only reading end: the producer sees it go away
        for command, log in zip(others, logs[2:], strict=True):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    list(command), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
                )
            )
        deadline = time.monotonic() + timeout
        try:
            for proc in procs:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AudioError("Xử lý âm thanh quá lâu, đã dừng.") from None
        results = []
        for proc, log in zip(procs, logs, strict=True):
            log.seek(0)
            results.append(Finished(proc.returncode, log.read()))
        return results


def _kill(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


_NUMBER = r"(-?[\d.]+|-inf|nan)"
_INTEGRATED = re.compile(r"I:\s+" + _NUMBER + r"\s+LUFS")
_SUMMARY_PEAK = re.compile(r"Peak:\s+" + _NUMBER + r"\s+dBFS")
_ASTATS_PEAK = re.compile(r"Peak level dB:\s+" + _NUMBER)


def _number(raw: str) -> float:
    return -math.inf if raw == "-inf" else float(raw)


def parse_levels(stderr: bytes) -> Levels:
    """The ``ebur128`` summary (integrated loudness, and its peak if it measured one) and, when an
    ``astats`` filter reported one, that peak instead. :class:`AudioError` without a summary."""
    text = stderr.decode("utf-8", "replace")
    # ffmpeg may set a filter graph up twice (a probe, then the real run): the last summary is the real one.
    at = text.rfind("Summary:")
    if at < 0:
        raise AudioError("Không đo được độ lớn âm thanh.")
    summary = text[at:]
    integrated = _INTEGRATED.search(summary)
    if integrated is None:
        raise AudioError("Không đo được độ lớn âm thanh.")
    peaks = _ASTATS_PEAK.findall(text) or _SUMMARY_PEAK.findall(summary)
    return Levels(_number(integrated.group(1)), _number(peaks[-1]) if peaks else math.nan)


def limit_chain(gain_db: float, peak_limit_db: float) -> str:
    """Gain, then a look-ahead peak limiter holding sample peaks at ``peak_limit_db`` dBFS (the filter
    takes −24 to 0 dBFS)."""
    limit = min(1.0, max(0.0625, 10 ** (peak_limit_db / 20)))
    return f"volume={gain_db:.3f}dB,alimiter=limit={limit:.5f}:attack=5:release=50:level=false"


def escape_tee(path: str) -> str:
    """A file name as one slave of ffmpeg's ``tee`` muxer."""
    return re.sub(r"([\\|\[\]])", r"\\\1", path)
