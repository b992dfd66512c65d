"""Finding the gain that brings a program to a loudness target through the peak limiter.

The limiter takes loudness away where it catches peaks, and how much depends on the gain, so the gain
cannot be computed from the source loudness alone. ``h(g)``, the integrated loudness after gain ``g`` and
the limiter, rises with ``g`` ever more slowly (the limiter catches more). Six gains are tried at once in
two ffmpeg runs (the audio split into one branch per gain; on a sample of long programs), placed from the
source's loudness and sample peak where the answer usually lies; the answer is read off the straight line
between the two results that straddle the target, which on this smooth curve is within a few hundredths
of a LU. When none straddles it, six more are tried around the extrapolated answer. No trial is needed
when the limiter will not act at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nguon.speech import ffmpeg

#: Where the answer is first looked for, as fractions of the source's excess over the limit at the plain
#: gain (espeak-ng voices need from two fifths to nine tenths of it). The trial branches run on a sample,
#: three to a process, so six cost little more than two; the answer is read between the two that straddle
#: the aim, a fifth of the excess apart.
FIRST_TRIALS = (0.1, 0.3, 0.5, 0.7, 0.9, 1.1)
#: Later rounds straddle the extrapolated answer at these multiples of the step.
NEXT_TRIALS = (-0.5, -0.25, 0.0, 0.25, 0.5, 1.0)
MAX_ROUNDS = 3
#: A trial this close to the aim is taken as the answer.
CLOSE_ENOUGH_LU = 0.05

#: ``measure(gains)`` returns ``h(g)`` for each gain (the integrated loudness after gain and limiter).
Meter = Callable[[Sequence[float]], list[float]]


@dataclass(frozen=True)
class Solution:
    gain_db: float
    rounds: int  # rounds of trials (two ffmpeg runs at once each); 0 when none was needed


def solve_gain(
    *, source_lufs: float, source_peak_dbfs: float, aim_lufs: float, peak_limit_dbfs: float, measure: Meter
) -> Solution:
    """The gain that puts the program at ``aim_lufs`` after the limiter (see the module docstring)."""
    plain = aim_lufs - source_lufs
    excess = source_peak_dbfs + plain - peak_limit_dbfs
    if not math.isfinite(excess) or excess <= 0:
        return Solution(plain, 0)  # the limiter never acts: loudness moves one for one with the gain
    points: list[tuple[float, float]] = []
    candidates = [plain + f * excess for f in FIRST_TRIALS]
    for round_ in range(1, MAX_ROUNDS + 1):
        points += zip(candidates, measure(candidates), strict=True)
        best = min(points, key=lambda p: abs(p[1] - aim_lufs))
        if abs(best[1] - aim_lufs) <= CLOSE_ENOUGH_LU:
            return Solution(best[0], round_)
        below = [p for p in points if p[1] < aim_lufs]
        above = [p for p in points if p[1] > aim_lufs]
        if below and above:
            return Solution(_between(max(below), min(above), aim_lufs), round_)
        estimate = _extrapolate(points, aim_lufs)
        if round_ == MAX_ROUNDS:
            return Solution(estimate, round_)
        # Straddle the estimate, leaning to more gain: on this curve a straight line through two points
        # overstates the slope further out, so the answer tends to lie beyond the estimate.
        step = max(0.5, abs(estimate - best[0]) / 2)
        candidates = [estimate + f * step for f in NEXT_TRIALS]
    raise AssertionError("unreachable")  # pragma: no cover


def _between(low: tuple[float, float], high: tuple[float, float], aim: float) -> float:
    (g1, h1), (g2, h2) = low, high
    return g1 + (aim - h1) * (g2 - g1) / (h2 - h1)


def _extrapolate(points: list[tuple[float, float]], aim: float) -> float:
    """From the two points nearest the aim, along their slope (kept between 0.1 and 1: the limiter never
    makes loudness grow faster than the gain, and rarely ten times slower)."""
    (g1, h1), (g2, h2) = sorted(points, key=lambda p: abs(p[1] - aim))[:2]
    slope = (h2 - h1) / (g2 - g1) if g2 != g1 else 1.0
    slope = min(1.0, max(0.1, slope))
    return g1 + (aim - h1) / slope


#: Programs longer than this are tried on a sample: 2 s out of every 16 s (an eighth, at least 15 s). The
#: limiter's effect is local (5 ms attack, 50 ms release), so what it takes away from a sample of the
#: speech is what it takes away from all of it; the sample's own loudness is measured in the same run, and
#: only the difference is used.
SAMPLE_ABOVE_SECONDS = 120.0
SAMPLE_SELECT = r"aselect='lt(mod(t\,16)\,2)'"
SILENT_SAMPLE_LUFS = -60.0
#: The trials are shared between this many ffmpeg runs at once (one per core).
TRIAL_PROCESSES = 2

_METER_SUMMARY = re.compile(r"\[Parsed_ebur128_(\d+) @ [^\]]*\] Summary:(.*?)(?=\n\[|\Z)", re.S)


def ffmpeg_meter(program: Path, *, peak_limit_dbfs: float, program_lufs: float, seconds: float) -> Meter:
    """``h(g)`` measured by ffmpeg on the program (or a sample of it, see :data:`SAMPLE_ABOVE_SECONDS`):
    the gains shared between two runs at once (one per core), each splitting the audio into one branch
    per gain (gain, limiter, ``ebur128``) and a plain meter that the trials are read against."""

    def measure(gains: Sequence[float]) -> list[float]:
        values = _measure(gains, SAMPLE_SELECT if seconds > SAMPLE_ABOVE_SECONDS else "anull")
        if values is None:  # the sample missed the speech: measure everything
            values = _measure(gains, "anull")
        if values is None:
            raise ffmpeg.AudioError("Âm thanh gần như im lặng; không có gì để phát.")
        return values

    def _measure(gains: Sequence[float], select: str) -> list[float] | None:
        runs = min(TRIAL_PROCESSES, len(gains))
        groups = [list(gains[i::runs]) for i in range(runs)]
        values: dict[float, float] = {}
        for group, result in zip(
            groups, ffmpeg.run_parallel([_command(g, select) for g in groups]), strict=True
        ):
            summaries = {
                int(n): ffmpeg.parse_levels(b"Summary:" + body.encode()).integrated_lufs
                for n, body in _METER_SUMMARY.findall(result.stderr.decode("utf-8", "replace"))
            }  # a graph may be set up twice; the later summaries (the real run) win
            if result.returncode != 0 or len(summaries) != len(group) + 1:
                raise ffmpeg.AudioError("Không đo được độ lớn âm thanh.")
            # The meters are numbered in the order they appear in the graph: the trials, then the plain one.
            *limited, plain = (summaries[n] for n in sorted(summaries))
            if plain < SILENT_SAMPLE_LUFS:
                return None
            values.update(
                (gain, value + program_lufs - plain) for gain, value in zip(group, limited, strict=True)
            )
        return [values[gain] for gain in gains]

    def _command(gains: list[float], select: str) -> list[str]:
        branches = "".join(f"[t{i}]" for i in range(len(gains)))
        graph = f"[0:a]{select},asplit={len(gains) + 1}{branches}[plain];"
        graph += "".join(
            f"[t{i}]{ffmpeg.limit_chain(gain, peak_limit_dbfs)},ebur128=framelog=verbose,anullsink;"
            for i, gain in enumerate(gains)
        )
        graph += "[plain]ebur128=framelog=verbose[out]"
        args = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(program), "-filter_complex", graph]
        return [*args, "-map", "[out]", "-f", "null", "-"]

    return measure
