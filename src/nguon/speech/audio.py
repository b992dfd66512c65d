"""Broadcast-ready audio with ffmpeg: validation by content, silence trimming, jingles, loudness
normalisation (EBU R128), MP3 and Opus encoding, duration, hash and waveform image.

Loudness is reached with a measured gain and a peak limiter rather than ffmpeg's ``loudnorm`` (which
dominated the pipeline's time, FIELD-NOTES). The work is arranged so that little is done twice:

1. one ffmpeg run decodes, trims and writes the program at the source's own sample rate (48 kHz when
   jingles are added or the rate is unusual) while a second, on the other core, meters its loudness and
   sample peak;
2. the gain is found by trial runs of gain + limiter + meter: six gains in two ffmpeg runs at once, on a
   sample of long programs, usually once (:mod:`nguon.speech.loudness`); none when the limiter will not
   act;
3. one run limits and encodes the MP3, whose encoded bytes also go through a pipe to a second run (on the
   other core) that decodes them, meters the loudness and true peak **of the MP3 itself** and draws the
   waveform; the Opus file is encoded by a third run at the same time;
4. if the MP3 misses the target by more than ±0.5 LU or its true peak is over the ceiling, the gain (or
   the limit) is corrected from what was measured and step 3 is done once more.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import struct
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from nguon.speech import ffmpeg, loudness
from nguon.speech.ffmpeg import AudioError, Levels

__all__ = [
    "AudioError",
    "AudioSettings",
    "Loudness",
    "MasteredAudio",
    "ProbeResult",
    "master",
    "measure",
    "probe",
]

SAMPLE_RATE = 48_000  # programs with jingles, and sources at a rate outside NATIVE_RATES
NATIVE_RATES = range(8_000, 48_001)  # a source at one of these rates is processed at its own rate
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_DURATION_SECONDS = 3 * 3600
SILENCE_LUFS = -60.0
ACCEPTED_FORMATS = {"mp3", "wav", "ogg", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "flac", "aac"}
#: LAME at a constant bit rate decodes about 0.45 dB quieter than its input (its quantiser rounds
#: towards zero); the master is aimed that much higher so the MP3 lands on the target. The figure is
#: corrected from the measured MP3 when a program differs (step 4 above).
MP3_LEVEL_BIAS_LU = 0.45
#: How far the measured MP3 may be from the target before the encode is corrected and done again.
LOUDNESS_TOLERANCE_LU = 0.5
#: Sample peaks are held this far below the true-peak ceiling: headroom for inter-sample peaks and for
#: the codecs (Opus overshoots by up to ~1 dB). If the MP3's true peak is still over, the limit is lowered.
PEAK_HEADROOM_DB = 0.8
OPUS_PEAK_HEADROOM_DB = 1.5
TRUE_PEAK_OVERSAMPLING = 4


@dataclass(frozen=True)
class AudioSettings:
    """How a render is mastered. Defaults: −16 LUFS integrated, true peak ≤ −1 dBTP."""

    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    trim_silence: bool = True
    mp3_bitrate_kbps: int = 96
    opus_bitrate_kbps: int = 32

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "target_lufs": self.target_lufs,
            "true_peak_dbtp": self.true_peak_dbtp,
            "trim_silence": self.trim_silence,
            "mp3_bitrate_kbps": self.mp3_bitrate_kbps,
            "opus_bitrate_kbps": self.opus_bitrate_kbps,
        }


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class ProbeResult:
    format_name: str
    duration_seconds: float
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MasteredAudio:
    mp3_path: Path
    opus_path: Path
    waveform_path: Path
    duration_seconds: float
    loudness: Loudness  # of the MP3, as encoded (decoded and metered by ffmpeg)
    sha256: str
    passes: int  # loudness runs after the first analysis: trial rounds plus encodes


def probe(path: Path) -> ProbeResult:
    """What the file really is (by content, never by name); :class:`AudioError` unless it is audio."""
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise AudioError(f"Tệp âm thanh quá lớn (tối đa {MAX_UPLOAD_BYTES // 1024 // 1024} MB).")
    info = ffmpeg.probe_json(str(path)) or {}
    fmt = info.get("format") or {}
    audio = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not fmt or not audio:
        raise AudioError("Tệp không phải âm thanh đọc được (đã kiểm tra nội dung tệp, không theo đuôi tên).")
    name = str(fmt.get("format_name", ""))
    if name not in ACCEPTED_FORMATS:
        raise AudioError(f"Định dạng {name!r} không được nhận; dùng MP3, WAV, OGG, M4A, FLAC hoặc WebM.")
    try:
        duration = float(fmt.get("duration") or audio[0].get("duration") or 0)
    except ValueError:
        duration = 0.0
    if not 0.2 <= duration <= MAX_DURATION_SECONDS:
        raise AudioError("Độ dài âm thanh không hợp lệ (từ 0,2 giây đến 3 giờ).")
    stream = audio[0]
    return ProbeResult(
        name,
        duration,
        str(stream.get("codec_name", "")),
        int(stream.get("sample_rate") or 0),
        int(stream.get("channels") or 0),
    )


def measure(path: Path, *, true_peak: bool = True) -> Loudness:
    """Integrated loudness and (unless skipped: it is the costly part) true peak, by ffmpeg's ebur128."""
    meter = "ebur128=peak=true:framelog=verbose" if true_peak else "ebur128=framelog=verbose"
    result = ffmpeg.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", meter, "-f", "null", "-"]
    )
    if result.returncode != 0:
        raise AudioError("Không đo được độ lớn âm thanh.")
    levels = ffmpeg.parse_levels(result.stderr)
    return Loudness(levels.integrated_lufs, levels.peak_dbfs if true_peak else math.nan)


# -- the program: decoded, trimmed, jingles added, metered ------------------------------------------------

_METER = "ebur128=peak=sample:framelog=verbose"
_EDGE = "silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.1"
_UNDECODABLE = "Không giải mã được âm thanh."


def _native_rate(source: Path) -> int:
    """The rate the program is processed at: the source's own (read from a WAV header, else by ffprobe)
    when usual, else 48 kHz. Resampling costs time and, for a 22.05 kHz voice, adds nothing."""
    try:
        with wave.open(str(source), "rb") as header:
            rate = header.getframerate()
    except (wave.Error, EOFError, OSError, struct.error):
        result = ffmpeg.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "a:0",
                "-show_entries",
                "stream=sample_rate",
                "-of",
                "csv=p=0",
                str(source),
            ],
            timeout=60,
        )
        text = result.stdout.decode("ascii", "replace").strip()
        rate = int(text) if result.returncode == 0 and text.isdigit() else 0
    return rate if rate in NATIVE_RATES else SAMPLE_RATE


def _write_program(inputs: list[Path], graph: str, out: Path, *, meter: bool, error: str) -> Levels | None:
    """Run ``graph`` (ending in an unlabelled mono stream) into a 16-bit WAV; meter it on the way."""
    args = ["ffmpeg", "-hide_banner", "-nostats", "-y"]
    for path in inputs:
        args += ["-i", str(path)]
    graph += f",asplit=2[program][meter];[meter]{_METER},anullsink" if meter else "[program]"
    result = ffmpeg.run([*args, "-filter_complex", graph, "-map", "[program]", "-c:a", "pcm_s16le", str(out)])
    if result.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
        raise AudioError(error)
    return ffmpeg.parse_levels(result.stderr) if meter else None


def _mono(rate: int) -> str:
    return f"aresample={rate},aformat=channel_layouts=mono"  # aresample is a no-op at the source's own rate


def _decode(source: Path, out: Path, *, trim: bool, rate: int) -> None:
    """Decode to mono 16-bit PCM at ``rate``, trimming silence at both ends."""
    filters = f"{_EDGE},areverse,{_EDGE},areverse," if trim else ""
    _write_program([source], f"[0:a]{filters}{_mono(rate)}", out, meter=False, error=_UNDECODABLE)


def _decode_and_meter(source: Path, out: Path, *, trim: bool, rate: int) -> Levels:
    """:func:`_decode`, while a second ffmpeg on the other core meters the source as the program will be
    (mono, at ``rate``). The silence the first one trims weighs nothing in the meter: EBU R128 gates out
    blocks under −70 LUFS and under 10 LU below the rest, and silence has no peaks."""
    filters = f"{_EDGE},areverse,{_EDGE},areverse," if trim else ""
    decode = ["ffmpeg", "-hide_banner", "-nostats", "-v", "error", "-y", "-i", str(source), "-filter_complex"]
    decode += [f"[0:a]{filters}{_mono(rate)}[program]", "-map", "[program]", "-c:a", "pcm_s16le", str(out)]
    meter = ["ffmpeg", "-hide_banner", "-nostats", "-i", str(source), "-filter_complex"]
    meter += [f"[0:a]{_mono(rate)},{_METER}[out]", "-map", "[out]", "-f", "null", "-"]
    decoded, metered = ffmpeg.run_parallel([decode, meter])
    if decoded.returncode != 0 or not out.exists() or out.stat().st_size <= 44 or metered.returncode != 0:
        raise AudioError(_UNDECODABLE)
    return ffmpeg.parse_levels(metered.stderr)


def _program(
    source: Path, out: Path, tmp: Path, *, trim: bool, intro: Path | None, outro: Path | None
) -> tuple[Levels, int]:
    """The program to master, its loudness and sample peak, and its sample rate."""
    if intro is None and outro is None:
        rate = _native_rate(source)
        return _decode_and_meter(source, out, trim=trim, rate=rate), rate
    parts: list[Path] = []
    for part, trim_part in ((intro, True), (source, trim), (outro, True)):
        if part is not None:
            path = tmp / f"part{len(parts)}.wav"
            _decode(part, path, trim=trim_part, rate=SAMPLE_RATE)
            parts.append(path)
    graph = "".join(f"[{i}:a]" for i in range(len(parts))) + f"concat=n={len(parts)}:v=0:a=1"
    levels = _write_program(parts, graph, out, meter=True, error="Không ghép được nhạc hiệu.")
    assert levels is not None
    return levels, SAMPLE_RATE


# -- the encode -------------------------------------------------------------------------------------------


def _mp3_meter(mp3_rate: int) -> str:
    """Decoded MP3 → loudness, true peak and waveform. The true peak is read 4× oversampled as BS.1770 does
    (its example filter has 12 taps a phase; 16 here), at the MP3's own rate rather than at 48 kHz."""
    return (
        "[0:a]asplit=3[l][p][w];"
        "[l]ebur128=framelog=verbose,anullsink;"
        f"[p]aresample={TRUE_PEAK_OVERSAMPLING * mp3_rate}:filter_size=16,aformat=sample_fmts=flt,"
        "astats=measure_overall=Peak_level:measure_perchannel=none,anullsink;"
        "[w]showwavespic=s=800x120:colors=#a3161a[wave]"
    )


def _mp3_rate(program_rate: int) -> int:
    """A voice at 22.05 kHz or less has nothing above 11 kHz: its MP3 stays at 22.05 kHz (MPEG-2 Layer III,
    which every MP3 decoder plays), which halves the encoder's work; anything richer is 44.1 kHz."""
    return 22_050 if program_rate <= 22_050 else 44_100


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(3)


def _encode(
    program: Path,
    *,
    gain_db: float,
    peak_limit_db: float,
    settings: AudioSettings,
    mp3_rate: int,
    mp3: Path,
    opus: Path | None,
    png: Path,
) -> Levels:
    """Limit and encode the MP3 while a second ffmpeg meters the MP3 as it is written and draws the
    waveform, and a third encodes the Opus file; returns the MP3's loudness and true peak."""
    chain = ffmpeg.limit_chain(gain_db, peak_limit_db)
    quiet = ["ffmpeg", "-hide_banner", "-nostats", "-v", "error", "-y", "-i", str(program), "-af", chain]
    encoder = [
        *quiet,
        "-map",
        "0:a",
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{settings.mp3_bitrate_kbps}k",
        "-compression_level",
        "7",
        "-ar",
        str(mp3_rate),
        "-f",
        "tee",
        f"{ffmpeg.escape_tee(str(mp3))}|[f=mp3:onfail=ignore]pipe:1",
    ]
    meter = [
        "ffmpeg",
        "-hide_banner",
        "-nostats",
        "-f",
        "mp3",
        "-i",
        "pipe:0",
        "-filter_complex",
        _mp3_meter(mp3_rate),
    ]
    meter += ["-map", "[wave]", "-frames:v", "1", "-update", "1", "-y", str(png)]
    others = []
    if opus is not None:
        others.append(
            [
                *quiet,
                "-c:a",
                "libopus",
                "-b:a",
                f"{settings.opus_bitrate_kbps}k",
                "-application",
                "audio",
                "-compression_level",
                "5",
                "-ar",
                "48000",
                str(opus),
            ]
        )
    encoded, metered, *rest = ffmpeg.run_piped(encoder, meter, others)
    outputs = [mp3] if opus is None else [mp3, opus]
    if any(r.returncode != 0 for r in (encoded, *rest)) or not all(
        p.exists() and p.stat().st_size for p in outputs
    ):
        raise AudioError("Không mã hóa được MP3/Opus.")
    levels = ffmpeg.parse_levels(metered.stderr) if metered.returncode == 0 else None
    if levels is None or not math.isfinite(levels.integrated_lufs) or math.isnan(levels.peak_dbfs):
        raise AudioError("Không đo được độ lớn âm thanh.")
    return levels


def master(
    source: Path,
    out_dir: Path,
    *,
    stem: str,
    settings: AudioSettings | None = None,
    intro: Path | None = None,
    outro: Path | None = None,
    with_opus: bool = True,
) -> MasteredAudio:
    """Produce ``{stem}.mp3``, ``{stem}.opus`` (unless ``with_opus`` is false) and ``{stem}.png``."""
    settings = settings or AudioSettings()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nguon-audio-") as tmp_name:
        tmp = Path(tmp_name)
        program = tmp / "program.wav"
        source_levels, rate = _program(
            source, program, tmp, trim=settings.trim_silence, intro=intro, outro=outro
        )
        if source_levels.integrated_lufs < SILENCE_LUFS:
            raise AudioError("Âm thanh gần như im lặng; không có gì để phát.")
        with wave.open(str(program), "rb") as header:  # written by ffmpeg just now
            seconds = header.getnframes() / rate
        mp3_rate = _mp3_rate(rate)
        headroom = OPUS_PEAK_HEADROOM_DB if with_opus else PEAK_HEADROOM_DB
        peak_limit = min(0.0, max(-24.0, settings.true_peak_dbtp - headroom))  # what alimiter takes
        bias, passes = MP3_LEVEL_BIAS_LU, 0
        mp3, png = tmp / "master.mp3", tmp / "waveform.png"
        opus = tmp / "master.opus" if with_opus else None
        for attempt in (1, 2):
            solution = loudness.solve_gain(
                source_lufs=source_levels.integrated_lufs,
                source_peak_dbfs=source_levels.peak_dbfs,
                aim_lufs=settings.target_lufs + bias,
                peak_limit_dbfs=peak_limit,
                measure=loudness.ffmpeg_meter(
                    program,
                    peak_limit_dbfs=peak_limit,
                    program_lufs=source_levels.integrated_lufs,
                    seconds=seconds,
                ),
            )
            passes += solution.rounds + 1
            final = _encode(
                program,
                gain_db=solution.gain_db,
                peak_limit_db=peak_limit,
                settings=settings,
                mp3_rate=mp3_rate,
                mp3=mp3,
                opus=opus,
                png=png,
            )
            error = settings.target_lufs - final.integrated_lufs
            excess = final.peak_dbfs - settings.true_peak_dbtp
            if attempt == 2 or (abs(error) <= LOUDNESS_TOLERANCE_LU and excess <= 0):
                break
            bias += error  # this program's own encoder shift, as measured
            if excess > 0:
                peak_limit -= excess + 0.2
        results = [(mp3, out_dir / f"{stem}.mp3"), (png, out_dir / f"{stem}.png")]
        if opus is not None:
            results.append((opus, out_dir / f"{stem}.opus"))
        for produced, destination in results:
            shutil.move(produced, destination)
    mp3_path = out_dir / f"{stem}.mp3"
    return MasteredAudio(
        mp3_path,
        out_dir / f"{stem}.opus",
        out_dir / f"{stem}.png",
        round(seconds, 3),  # the program's own length: the MP3 holds exactly that (gapless header)
        Loudness(final.integrated_lufs, final.peak_dbfs),
        hashlib.sha256(mp3_path.read_bytes()).hexdigest(),
        passes,
    )
