"""Finding the mastering gain (pure, with model loudness curves) and the ffmpeg helpers it relies on."""

from __future__ import annotations

import math
import shutil
import subprocess
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest

from nguon.speech import ffmpeg, loudness

SOURCE_LUFS, SOURCE_PEAK, LIMIT = -19.2, 0.0, -1.8


def limited(loss_per_db: float) -> tuple[loudness.Meter, list[list[float]]]:
    """A model of h(g): the limiter takes away a growing share (up to ``loss_per_db``) of the excess over
    the limit, so h rises ever more slowly, as measured on speech."""
    calls: list[list[float]] = []

    def h(g: float) -> float:
        excess = max(0.0, SOURCE_PEAK + g - LIMIT)
        loss = loss_per_db * excess**2 / (excess + 4)
        return SOURCE_LUFS + g - loss

    def measure(gains: Sequence[float]) -> list[float]:
        calls.append(list(gains))
        return [h(g) for g in gains]

    return measure, calls


def h_of(measure: loudness.Meter, gain: float) -> float:
    return measure([gain])[0]


def test_no_trial_when_the_limiter_will_not_act():
    measure, calls = limited(0.5)
    solution = loudness.solve_gain(
        source_lufs=SOURCE_LUFS,
        source_peak_dbfs=-12.0,
        aim_lufs=-23.0,
        peak_limit_dbfs=LIMIT,
        measure=measure,
    )
    assert solution == loudness.Solution(-23.0 - SOURCE_LUFS, 0)
    assert calls == []


@pytest.mark.parametrize("loss_per_db", [0.2, 0.3, 0.6, 0.7])
def test_one_round_of_trials_finds_the_gain(loss_per_db):
    measure, calls = limited(loss_per_db)
    aim = -15.55
    solution = loudness.solve_gain(
        source_lufs=SOURCE_LUFS,
        source_peak_dbfs=SOURCE_PEAK,
        aim_lufs=aim,
        peak_limit_dbfs=LIMIT,
        measure=measure,
    )
    assert abs(h_of(measure, solution.gain_db) - aim) <= 0.1
    assert solution.rounds == 1
    assert len(calls) == 2  # the round, and our check above
    assert len(calls[0]) == len(loudness.FIRST_TRIALS)


@pytest.mark.parametrize("loss_per_db", [0.0, 0.05, 0.8, 0.9])
def test_further_rounds_when_the_first_does_not_straddle_the_aim(loss_per_db):
    measure, _ = limited(loss_per_db)
    aim = -15.55
    solution = loudness.solve_gain(
        source_lufs=SOURCE_LUFS,
        source_peak_dbfs=SOURCE_PEAK,
        aim_lufs=aim,
        peak_limit_dbfs=LIMIT,
        measure=measure,
    )
    assert abs(h_of(measure, solution.gain_db) - aim) <= 0.15
    assert 2 <= solution.rounds <= loudness.MAX_ROUNDS


def test_a_flat_curve_stops_after_the_last_round():
    calls: list[list[float]] = []

    def flat(gains: Sequence[float]) -> list[float]:
        calls.append(list(gains))
        return [-30.0 for _ in gains]  # nothing the gain does reaches the aim

    solution = loudness.solve_gain(
        source_lufs=-30.0, source_peak_dbfs=0.0, aim_lufs=-16.0, peak_limit_dbfs=LIMIT, measure=flat
    )
    assert solution.rounds == loudness.MAX_ROUNDS == len(calls)
    assert math.isfinite(solution.gain_db)


SUMMARY = b"""[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
[Parsed_ebur128_0 @ 0x2] Summary:

  Integrated loudness:
    I:         -16.3 LUFS
    Threshold: -26.4 LUFS

  True peak:
    Peak:       -1.2 dBFS
"""


def test_the_last_summary_is_read():
    assert ffmpeg.parse_levels(SUMMARY) == ffmpeg.Levels(-16.3, -1.2)


def test_an_astats_peak_wins_over_the_summary_peak_and_inf_is_read():
    text = b"[Parsed_astats_3 @ 0x3] Peak level dB: -inf\n[Parsed_astats_3 @ 0x3] Peak level dB: -2.345\n"
    assert ffmpeg.parse_levels(SUMMARY + text) == ffmpeg.Levels(-16.3, -2.345)
    assert ffmpeg.parse_levels(b"Summary:\n    I:  -inf LUFS\n").integrated_lufs == -math.inf


def test_no_summary_is_an_audio_error():
    with pytest.raises(ffmpeg.AudioError):
        ffmpeg.parse_levels(b"Invalid data found when processing input")


def test_tee_names_are_escaped():
    assert ffmpeg.escape_tee("/srv/a|b[1]\\c.mp3") == "/srv/a\\|b\\[1\\]\\\\c.mp3"


needs_tools = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("sleep") is None,
    reason="ffmpeg is installed by setup-os.sh",
)


@needs_tools
def test_piped_processes_are_killed_at_the_deadline():
    with pytest.raises(ffmpeg.AudioError, match="quá lâu"):
        ffmpeg.run_piped(["sleep", "30"], ["sleep", "30"], [["sleep", "30"]], timeout=0.3)


@needs_tools
def test_piped_results_come_back_in_order():
    results = ffmpeg.run_piped(["sh", "-c", "echo hi; echo err >&2"], ["sh", "-c", "cat >/dev/null; exit 3"])
    assert [r.returncode for r in results] == [0, 3]
    assert results[0].stderr == b"err\n"


@needs_tools
def test_a_sample_that_misses_the_speech_is_measured_again_in_full(tmp_path):
    """A long program whose sampled seconds (the first 2 of every 16) are silent: the meter notices and
    measures everything instead of dividing by silence."""
    program = tmp_path / "gated.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "aevalsrc=0.9*sin(2*PI*440*t)*between(mod(t\\,16)\\,4\\,14):s=22050:d=130",
            "-c:a",
            "pcm_s16le",
            str(program),
        ],
        check=True,
    )
    with wave.open(str(program)) as header:
        seconds = header.getnframes() / header.getframerate()
    plain = ffmpeg.parse_levels(
        subprocess.run(
            ["ffmpeg", "-nostats", "-i", str(program), "-af", "ebur128=framelog=verbose", "-f", "null", "-"],
            capture_output=True,
            check=True,
        ).stderr
    ).integrated_lufs
    sampled = loudness.ffmpeg_meter(program, peak_limit_dbfs=-10.0, program_lufs=plain, seconds=seconds)
    whole = loudness.ffmpeg_meter(program, peak_limit_dbfs=-10.0, program_lufs=plain, seconds=10.0)
    assert sampled([0.0, 3.0]) == whole([0.0, 3.0])
    assert whole([0.0])[0] < plain - 5  # the limiter at −10 dBFS took a lot away from a −1 dBFS sine


def test_the_trials_share_two_runs_each_read_against_its_own_plain_meter(monkeypatch, tmp_path: Path):
    seen: list[list[str]] = []

    def fake_run(command, **kwargs):
        seen.append(list(command))
        graph = command[command.index("-filter_complex") + 1]
        meters = graph.count("ebur128")  # numbered in graph order: the trials, then the plain meter
        text = "".join(
            f"[Parsed_ebur128_{i} @ 0x0] Summary:\n    I:  {-20.0 + i:.1f} LUFS\n" for i in range(meters)
        )
        return subprocess.CompletedProcess(command, 0, b"", text.encode())

    monkeypatch.setattr(ffmpeg, "run", fake_run)
    measure = loudness.ffmpeg_meter(tmp_path / "p.wav", peak_limit_dbfs=-1.8, program_lufs=-18.5, seconds=300)
    values = measure([1.0, 2.0, 3.0])
    assert len(seen) == loudness.TRIAL_PROCESSES == 2
    assert all(loudness.SAMPLE_SELECT in c[c.index("-filter_complex") + 1] for c in seen)
    # Run 1 tries gains 1 and 3 (its meters read -20, -19, and -18 plain); run 2 tries gain 2 (-20, plain
    # -19). Each trial is read against its run's plain meter and the whole program's loudness (-18.5).
    assert values == pytest.approx([-20.5, -19.5, -19.5])
