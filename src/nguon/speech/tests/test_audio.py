"""The audio pipeline on real audio: speech in, broadcast-ready MP3/Opus out, at the loudness target."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nguon.speech import audio, ffmpeg, loudness
from nguon.speech.engines import EngineError, SynthesisRequest
from nguon.speech.engines.espeak import EspeakEngine

pytestmark = [pytest.mark.usefixtures("_require_tools")]

TEXT = (
    "Ủy ban nhân dân xã Định Hóa thông báo: do ảnh hưởng của bão số ba, từ đêm nay đến ngày mai trên địa bàn "
    "xã có mưa to đến rất to. Đề nghị nhân dân không đi qua ngầm tràn và khu vực có nguy cơ sạt lở đất."
)


@pytest.fixture
def _require_tools():
    import shutil

    if shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None:
        pytest.skip("ffmpeg and espeak-ng are installed by scripts/setup-os.sh")


@pytest.fixture
def speech_wav(tmp_path) -> Path:
    path = tmp_path / "speech.wav"
    path.write_bytes(EspeakEngine().synthesize(SynthesisRequest(text=TEXT, voice="vi")))
    return path


def sine(tmp_path: Path, *, seconds: float, volume_db: float, name: str = "tone.wav") -> Path:
    path = tmp_path / name
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-af",
            f"volume={volume_db}dB",
            str(path),
        ],
        check=True,
    )
    return path


def test_espeak_produces_speech_of_plausible_duration(speech_wav):
    info = audio.probe(speech_wav)
    syllables = len(TEXT.split())  # Vietnamese words are written syllable by syllable
    # Radio announcers read roughly 150–320 syllables a minute.
    assert syllables / 320 * 60 < info.duration_seconds < syllables / 150 * 60
    assert audio.measure(speech_wav).integrated_lufs > -40  # speech, not silence


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_master_reaches_the_loudness_target(speech_wav, tmp_path, target):
    result = audio.master(
        speech_wav, tmp_path / "out", stem="t", settings=audio.AudioSettings(target_lufs=target)
    )
    for path in (result.mp3_path, result.opus_path):
        loudness = audio.measure(path)
        assert abs(loudness.integrated_lufs - target) <= 1.0, loudness
        assert loudness.true_peak_dbtp <= -1.0 + 0.5  # codecs may add a few tenths
    mp3, opus = audio.probe(result.mp3_path), audio.probe(result.opus_path)
    assert (mp3.codec, opus.codec, opus.format_name) == ("mp3", "opus", "ogg")
    assert result.waveform_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(result.sha256) == 64
    assert result.duration_seconds == pytest.approx(audio.probe(speech_wav).duration_seconds, abs=1.5)


def test_silence_is_trimmed_and_jingles_added(speech_wav, tmp_path):
    padded = tmp_path / "padded.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(speech_wav),
            "-af",
            "adelay=3000,apad=pad_dur=3",
            str(padded),
        ],
        check=True,
    )
    plain = audio.master(padded, tmp_path / "a", stem="a")
    assert plain.duration_seconds < audio.probe(padded).duration_seconds - 4.5
    jingle = sine(tmp_path, seconds=2, volume_db=-10)
    with_jingles = audio.master(padded, tmp_path / "b", stem="b", intro=jingle, outro=jingle)
    assert with_jingles.duration_seconds == pytest.approx(plain.duration_seconds + 4, abs=0.6)


def test_silence_only_is_refused(tmp_path):
    silent = sine(tmp_path, seconds=3, volume_db=-120)
    with pytest.raises(audio.AudioError, match="im lặng"):
        audio.master(silent, tmp_path / "out", stem="s", settings=audio.AudioSettings(trim_silence=False))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.mp3"),
        (b"%PDF-1.7 not audio", "doc.mp3"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt broken", "bad.wav"),
    ],
)
def test_broken_or_mislabelled_uploads_are_refused(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(audio.AudioError):
        audio.probe(path)


def test_an_image_named_mp3_is_refused(tmp_path):
    png = tmp_path / "picture.mp3"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=32x32",
            "-frames:v",
            "1",
            "-f",
            "image2",
            "-c:v",
            "png",
            str(png),
        ],
        check=True,
    )
    with pytest.raises(audio.AudioError, match="không phải âm thanh"):
        audio.probe(png)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "rỗng"),
        ({"text": "a" * 200_001}, "quá dài"),
        ({"text": "xin chào", "speed": 5.0}, "Tốc độ"),
        ({"text": "xin chào", "pitch": 200}, "Cao độ"),
    ],
)
def test_synthesis_requests_are_validated(kwargs, message):
    with pytest.raises(EngineError, match=message):
        SynthesisRequest(voice="vi", **kwargs)


def test_unknown_espeak_voice():
    with pytest.raises(EngineError, match="không có"):
        EspeakEngine().synthesize(SynthesisRequest(text="xin chào", voice="klingon"))


@pytest.mark.parametrize("voice", ["vi", "vi-vn-x-central", "vi-vn-x-south"])
def test_every_vietnamese_espeak_voice_speaks(voice):
    wav = EspeakEngine().synthesize(
        SynthesisRequest(text="Xin chào bà con", voice=voice, speed=1.2, pitch=40)
    )
    assert wav.startswith(b"RIFF")
    assert len(wav) > 10_000


# -- the fast mastering path ------------------------------------------------------------------------------


def test_a_22khz_voice_keeps_its_rate_and_the_figures_are_the_mp3s(speech_wav, tmp_path):
    assert audio.probe(speech_wav).sample_rate == 22_050  # espeak-ng
    result = audio.master(speech_wav, tmp_path / "out", stem="v", with_opus=False)
    mp3 = audio.probe(result.mp3_path)
    assert (mp3.codec, mp3.sample_rate, mp3.channels) == ("mp3", 22_050, 1)
    measured = audio.measure(result.mp3_path)
    assert result.loudness.integrated_lufs == pytest.approx(measured.integrated_lufs, abs=0.15)
    assert result.loudness.true_peak_dbtp == pytest.approx(measured.true_peak_dbtp, abs=0.2)
    assert abs(measured.integrated_lufs - -16.0) <= audio.LOUDNESS_TOLERANCE_LU
    assert result.loudness.true_peak_dbtp <= -1.0
    assert result.duration_seconds == pytest.approx(mp3.duration_seconds, abs=0.2)
    assert not result.opus_path.exists()


@pytest.mark.parametrize(
    ("rate", "channels", "mp3_rate"), [(48_000, 2, 44_100), (96_000, 2, 44_100), (8_000, 1, 22_050)]
)
def test_other_rates_and_stereo(speech_wav, tmp_path, rate, channels, mp3_rate):
    source = tmp_path / "source.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(speech_wav), "-ar", str(rate), "-ac", str(channels), str(source)],
        check=True,
    )
    result = audio.master(source, tmp_path / "out", stem="r")
    assert audio.probe(result.mp3_path).sample_rate == mp3_rate
    for path in (result.mp3_path, result.opus_path):
        loudness = audio.measure(path)
        assert abs(loudness.integrated_lufs - -16.0) <= 1.0, (path, loudness)
        assert loudness.true_peak_dbtp <= -0.5


def count_encodes(monkeypatch) -> list[float]:
    gains: list[float] = []
    encode = audio._encode

    def counted(program, **kwargs):
        gains.append(kwargs["gain_db"])
        return encode(program, **kwargs)

    monkeypatch.setattr(audio, "_encode", counted)
    return gains


def test_a_wrong_guess_of_the_encoder_shift_is_corrected_from_the_measured_mp3(
    speech_wav, tmp_path, monkeypatch
):
    monkeypatch.setattr(audio, "MP3_LEVEL_BIAS_LU", 3.0)  # the truth is about 0.45
    gains = count_encodes(monkeypatch)
    result = audio.master(speech_wav, tmp_path / "out", stem="c", with_opus=False)
    assert len(gains) == 2
    assert gains[1] < gains[0] - 1.5
    assert abs(audio.measure(result.mp3_path).integrated_lufs - -16.0) <= audio.LOUDNESS_TOLERANCE_LU
    assert result.passes >= 2


def test_a_true_peak_over_the_ceiling_is_corrected_by_lowering_the_limit(speech_wav, tmp_path, monkeypatch):
    monkeypatch.setattr(audio, "PEAK_HEADROOM_DB", -0.9)  # the limiter at −0.1 dBFS: too little headroom
    gains = count_encodes(monkeypatch)
    result = audio.master(speech_wav, tmp_path / "out", stem="p", with_opus=False)
    assert len(gains) == 2
    measured = audio.measure(result.mp3_path)
    assert result.loudness.true_peak_dbtp <= -1.0
    assert measured.true_peak_dbtp <= -1.0 + 0.1  # ffmpeg's meter rounds to a tenth
    assert abs(measured.integrated_lufs - -16.0) <= 1.0


def test_a_long_program_is_tried_on_a_sample_and_still_lands_on_target(speech_wav, tmp_path, monkeypatch):
    long = tmp_path / "long.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-stream_loop", "12", "-i", str(speech_wav), "-c", "copy", str(long)],
        check=True,
    )
    assert audio.probe(long).duration_seconds > loudness.SAMPLE_ABOVE_SECONDS
    commands: list[list[str]] = []
    run = ffmpeg.run

    def recorded(command, **kwargs):
        commands.append(list(command))
        return run(command, **kwargs)

    monkeypatch.setattr(ffmpeg, "run", recorded)
    result = audio.master(long, tmp_path / "out", stem="l", with_opus=False)
    trials = [c for c in commands if "alimiter" in " ".join(c)]
    assert trials
    assert all(loudness.SAMPLE_SELECT in " ".join(c) for c in trials)
    assert abs(audio.measure(result.mp3_path).integrated_lufs - -16.0) <= audio.LOUDNESS_TOLERANCE_LU


@pytest.mark.parametrize(
    "content",
    [
        b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00",  # header cut short
        b"RIFF\xff\xff\xff\x7fWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00" + bytes(64),  # rate 0
        b"RIFF\x00\x00\x00\x00WAVEdata" + bytes(4000),  # no format at all
        b"\xff\xfb\x90\x00" + bytes(2000),  # an MP3 frame header and nothing decodable
    ],
)
def test_broken_sources_are_refused_not_crashed_on(tmp_path, content):
    source = tmp_path / "broken.wav"
    source.write_bytes(content)
    with pytest.raises(audio.AudioError):
        audio.master(source, tmp_path / "out", stem="b")
