"""Writes of the speech app: renders (text → broadcast-ready audio), uploads, dictionaries, voices."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit, crypto
from nguon.core.text import nfc
from nguon.speech import audio
from nguon.speech.choices import EngineKind, ReadingStyleChoice, RenderSource, RenderStatus
from nguon.speech.engines import Engine, EngineError, SynthesisRequest
from nguon.speech.engines.espeak import VOICES as ESPEAK_VOICES
from nguon.speech.engines.espeak import EspeakEngine
from nguon.speech.engines.http import HttpEngine
from nguon.speech.engines.piper import PiperEngine
from nguon.speech.models import Abbreviation, AudioRender, Pronunciation, Voice
from nguon.speech.normalize import NORTHERN, SOUTHERN, normalize_text
from nguon.units.models import AdministrativeUnit

logger = logging.getLogger(__name__)

#: Bump when the pipeline changes what it produces, so cached renders are redone.
PIPELINE_VERSION = 2  # 2: a 22.05 kHz voice keeps its rate in the MP3; loudness is read on the MP3
MAX_SOURCE_CHARS = 100_000


# -- reading ----------------------------------------------------------------------------------------------


def dictionaries() -> tuple[dict[str, str], dict[str, str]]:
    """The administrators' abbreviations and pronunciations (added to the built-in list)."""
    return (
        dict(Abbreviation.objects.values_list("term", "reading")),
        dict(Pronunciation.objects.values_list("word", "reading")),
    )


def normalize_for_voice(text: str, *, voice: Voice | None = None) -> str:
    """The text as the voice will read it, line by line (so an editor can see and fix it)."""
    abbreviations, pronunciations = dictionaries()
    style = SOUTHERN if voice is not None and voice.reading_style == ReadingStyleChoice.SOUTHERN else NORTHERN
    return "\n".join(
        normalize_text(line, style=style, abbreviations=abbreviations, pronunciations=pronunciations)
        for line in nfc(text).splitlines()
    ).strip()


def builtin_voice(code: str) -> Voice:
    """An unsaved espeak-ng voice for a raw voice id ("vi", "vi-vn-x-south"), used by the CLI."""
    if code not in ESPEAK_VOICES:
        raise EngineError(f"Không có giọng {code!r}; các giọng có sẵn: {', '.join(ESPEAK_VOICES)}.")
    style = ReadingStyleChoice.SOUTHERN if code.endswith("south") else ReadingStyleChoice.NORTHERN
    return Voice(
        code=code, label=ESPEAK_VOICES[code], engine=EngineKind.ESPEAK, engine_voice=code, reading_style=style
    )


def engine_for(voice: Voice) -> Engine:
    if voice.engine == EngineKind.ESPEAK:
        return EspeakEngine()
    if voice.engine == EngineKind.PIPER:
        return PiperEngine(voice.engine_voice)
    if voice.engine == EngineKind.HTTP:
        try:
            key = (
                crypto.unseal(voice.http_api_key_sealed, purpose="tts-api-key")
                if voice.http_api_key_sealed
                else ""
            )
        except crypto.UnreadableSecretError:
            raise EngineError(
                "Khóa dịch vụ TTS không đọc được (khóa bí mật hệ thống đã đổi); nhập lại."
            ) from None
        return HttpEngine(url=voice.http_url, api_key=key)
    raise EngineError(f"Bộ đọc {voice.engine!r} không được hỗ trợ.")


@dataclass(frozen=True)
class Synthesis:
    normalized_text: str
    mastered: audio.MasteredAudio


def synthesize_to_files(
    *,
    text: str,
    voice: Voice,
    out_dir: Path,
    stem: str,
    speed: float | None = None,
    pitch: int | None = None,
    settings: audio.AudioSettings | None = None,
    normalized: str | None = None,
    with_opus: bool = True,
) -> Synthesis:
    """Text → normalised text → engine WAV → mastered MP3/Opus/waveform in ``out_dir``."""
    spoken = normalized if normalized is not None else normalize_for_voice(text, voice=voice)
    if not spoken.strip():
        raise EngineError("Sau khi chuẩn hóa không còn gì để đọc (văn bản rỗng hoặc chỉ có ký hiệu).")
    request = SynthesisRequest(
        text=spoken,
        voice=voice.engine_voice,
        speed=float(speed if speed is not None else voice.default_speed),
        pitch=int(pitch if pitch is not None else voice.default_pitch),
    )
    wav = engine_for(voice).synthesize(request)
    with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
        raw.write(wav)
        raw.flush()
        mastered = audio.master(Path(raw.name), out_dir, stem=stem, settings=settings, with_opus=with_opus)
    return Synthesis(spoken, mastered)


def cache_key(
    *, normalized: str, voice: Voice, speed: Decimal, pitch: int, settings: audio.AudioSettings
) -> str:
    material = {
        "pipeline": PIPELINE_VERSION,
        "text": normalized,
        "engine": voice.engine,
        "voice": voice.engine_voice,
        "speed": str(speed),
        "pitch": pitch,
        "audio": settings.as_dict(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# -- renders ----------------------------------------------------------------------------------------------


def request_render(
    *,
    actor: Any,
    text: str,
    voice: Voice,
    unit: AdministrativeUnit,
    speed: Decimal | None = None,
    pitch: int | None = None,
    settings: audio.AudioSettings | None = None,
) -> AudioRender:
    """Ask for audio of ``text``; returns the cached render when the same audio exists already.

    A new render is queued as a background task after commit; follow ``status`` and ``progress``.
    """
    access.require(actor, access.SPEECH_USE, unit=unit)
    text = nfc(text)
    if not text.strip():
        raise ValidationError({"text": "Nhập văn bản cần đọc."})
    if len(text) > MAX_SOURCE_CHARS:
        raise ValidationError({"text": f"Văn bản quá dài (tối đa {MAX_SOURCE_CHARS:,} ký tự)."})
    if not voice.is_active:
        raise ValidationError({"voice": "Giọng này đang tạm ngưng."})
    settings = settings or audio.AudioSettings()
    speed = Decimal(speed if speed is not None else voice.default_speed).quantize(Decimal("0.01"))
    pitch = pitch if pitch is not None else voice.default_pitch
    if not Decimal("0.5") <= speed <= Decimal("2.0") or not 0 <= pitch <= 100:
        raise ValidationError("Tốc độ phải từ 0,5 đến 2,0 và cao độ từ 0 đến 100.")
    normalized = normalize_for_voice(text, voice=voice)
    key = cache_key(normalized=normalized, voice=voice, speed=speed, pitch=pitch, settings=settings)
    with transaction.atomic():
        render, created = AudioRender.objects.get_or_create(
            cache_key=key,
            defaults={
                "source_text": text,
                "normalized_text": normalized,
                "voice": voice,
                "speed": speed,
                "pitch": pitch,
                "audio_settings": settings.as_dict(),
                "unit": unit,
                "requested_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        if not created and render.status == RenderStatus.FAILED:
            render.status, render.error, render.progress = RenderStatus.PENDING, "", 0
            render.save(update_fields=["status", "error", "progress"])
            created = True
        if created:
            audit.record(
                actor=actor,
                action="speech.render.request",
                target=render,
                unit=unit,
                after={"voice": voice.code, "chars": len(text), "cache_key": key},
            )
            transaction.on_commit(lambda: _enqueue(render.pk))
    return render


def _enqueue(render_id: int) -> None:
    from nguon.speech.tasks import render_speech_task

    render_speech_task.enqueue(render_id)


def _progress(render: AudioRender, percent: int, status: str = RenderStatus.RUNNING) -> None:
    render.progress, render.status = percent, status
    AudioRender.objects.filter(pk=render.pk).update(progress=percent, status=status)


def perform_render(*, render_id: int) -> AudioRender:
    """Do the work of a queued render (called by the task); idempotent for finished renders."""
    render = AudioRender.objects.select_related("voice", "unit").get(pk=render_id)
    if render.status == RenderStatus.DONE:
        return render
    _progress(render, 10)
    s = render.audio_settings
    settings = audio.AudioSettings(**s) if s else audio.AudioSettings()
    if render.source == RenderSource.UPLOAD or render.voice is None:
        return render  # uploads are mastered when they arrive
    try:
        with tempfile.TemporaryDirectory(prefix="nguon-render-") as tmp:
            _progress(render, 30)
            result = synthesize_to_files(
                text=render.source_text,
                voice=render.voice,
                out_dir=Path(tmp),
                stem=render.cache_key[:16],
                speed=float(render.speed),
                pitch=render.pitch,
                settings=settings,
                normalized=render.normalized_text,
            )
            _progress(render, 90)
            _store(render, result.mastered)
    except (EngineError, audio.AudioError) as error:
        render.status, render.error = RenderStatus.FAILED, str(error)
        render.finished_at = timezone.now()
        render.save(update_fields=["status", "error", "finished_at"])
        logger.warning("render %s failed: %s", render.pk, error)
        return render
    return render


def _store(render: AudioRender, mastered: audio.MasteredAudio) -> None:
    stem = render.cache_key
    with transaction.atomic():
        for field, path, suffix in (
            ("mp3", mastered.mp3_path, "mp3"),
            ("opus", mastered.opus_path, "opus"),
            ("waveform", mastered.waveform_path, "png"),
        ):
            with path.open("rb") as handle:
                getattr(render, field).save(f"{stem[:2]}/{stem}.{suffix}", File(handle), save=False)
        render.duration_seconds = mastered.duration_seconds
        render.integrated_lufs = mastered.loudness.integrated_lufs
        render.true_peak_dbtp = mastered.loudness.true_peak_dbtp
        render.sha256 = mastered.sha256
        render.status, render.progress, render.error = RenderStatus.DONE, 100, ""
        render.finished_at = timezone.now()
        render.save()


def store_upload(
    *, actor: Any, content: bytes, unit: AdministrativeUnit, settings: audio.AudioSettings | None = None
) -> AudioRender:
    """Normalise an uploaded recording like a synthesised one. The type is checked from the content."""
    access.require(actor, access.SPEECH_USE, unit=unit)
    if not content:
        raise ValidationError("Tệp rỗng.")
    if len(content) > audio.MAX_UPLOAD_BYTES:
        raise ValidationError("Tệp âm thanh quá lớn (tối đa 200 MB).")
    settings = settings or audio.AudioSettings()
    digest = hashlib.sha256(content).hexdigest()
    key = hashlib.sha256(
        f"upload:{PIPELINE_VERSION}:{digest}:{json.dumps(settings.as_dict())}".encode()
    ).hexdigest()
    existing = AudioRender.objects.filter(cache_key=key, status=RenderStatus.DONE).first()
    if existing is not None:
        return existing
    with tempfile.TemporaryDirectory(prefix="nguon-upload-") as tmp:
        source = Path(tmp) / "upload.bin"
        source.write_bytes(content)
        try:
            audio.probe(source)
            mastered = audio.master(source, Path(tmp) / "out", stem=key[:16], settings=settings)
        except audio.AudioError as error:
            raise ValidationError(str(error)) from None
        with transaction.atomic():
            render, _ = AudioRender.objects.update_or_create(
                cache_key=key,
                defaults={
                    "source": RenderSource.UPLOAD,
                    "unit": unit,
                    "audio_settings": settings.as_dict(),
                    "requested_by": actor if getattr(actor, "pk", None) else None,
                },
            )
            _store(render, mastered)
            audit.record(
                actor=actor,
                action="speech.upload",
                target=render,
                unit=unit,
                after={"sha256_source": digest, "duration": mastered.duration_seconds},
            )
    return render


# -- dictionaries and voices ------------------------------------------------------------------------------


def _require_dictionary(actor: Any) -> None:
    if not access.has_action(actor, access.SPEECH_MANAGE_DICTIONARY):
        raise ValidationError("Bạn không có quyền sửa từ điển đọc.")


def _save_entry(
    *, actor: Any, model: type[Abbreviation] | type[Pronunciation], key_field: str, key: str, reading: str
) -> Abbreviation | Pronunciation:
    with transaction.atomic():
        entry = model.objects.filter(**{key_field: key}).first()
        before = {"reading": entry.reading} if entry else None
        lookup: dict[str, Any] = {key_field: key, "defaults": {"reading": reading}}
        entry, _ = model.objects.update_or_create(**lookup)
        audit.record(
            actor=actor,
            action=f"speech.{model._meta.model_name}.save",
            target=entry,
            before=before,
            after={key_field: key, "reading": reading},
        )
    return entry


def save_abbreviation(*, actor: Any, term: str, reading: str) -> Abbreviation:
    _require_dictionary(actor)
    term, reading = nfc(term), nfc(reading)
    if not term or not reading or any(ch.isspace() for ch in term):
        raise ValidationError("Chữ viết tắt là một từ không có khoảng trắng; cách đọc không được để trống.")
    entry = _save_entry(actor=actor, model=Abbreviation, key_field="term", key=term, reading=reading)
    assert isinstance(entry, Abbreviation)
    return entry


def save_pronunciation(*, actor: Any, word: str, reading: str) -> Pronunciation:
    _require_dictionary(actor)
    word, reading = nfc(word), nfc(reading)
    if not word or not reading:
        raise ValidationError("Từ và cách đọc không được để trống.")
    entry = _save_entry(actor=actor, model=Pronunciation, key_field="word", key=word, reading=reading)
    assert isinstance(entry, Pronunciation)
    return entry


def delete_dictionary_entry(*, actor: Any, entry: Abbreviation | Pronunciation) -> None:
    _require_dictionary(actor)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=f"speech.{entry._meta.model_name}.delete",
            target=entry,
            before={"entry": str(entry)},
        )
        entry.delete()


def save_voice(*, actor: Any, voice: Voice, api_key: str = "") -> Voice:
    """Create or change a voice (administrators); an API key, when given, is stored sealed."""
    if not access.has_action(actor, access.ADMIN_SITE):
        raise ValidationError("Chỉ quản trị hệ thống cấu hình giọng đọc.")
    if voice.engine == EngineKind.HTTP and not voice.http_url:
        raise ValidationError({"http_url": "Bộ đọc qua HTTPS cần địa chỉ dịch vụ."})
    if voice.engine == EngineKind.ESPEAK and voice.engine_voice not in ESPEAK_VOICES:
        raise ValidationError({"engine_voice": f"espeak-ng có các giọng: {', '.join(ESPEAK_VOICES)}."})
    fields = Voice.CONFIG_FIELDS
    with transaction.atomic():
        before = audit.snapshot(Voice.objects.get(pk=voice.pk), fields) if voice.pk else None
        if api_key:
            voice.http_api_key_sealed = crypto.seal(api_key, purpose="tts-api-key")
        voice.save()
        audit.record(
            actor=actor,
            action="speech.voice.save",
            target=voice,
            before=before,
            after={**audit.snapshot(voice, fields), "api_key_set": bool(voice.http_api_key_sealed)},
        )
    return voice
