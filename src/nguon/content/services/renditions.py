"""Renditions of a bulletin: the broadcast-ready audio read from its text with its chosen voice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.content.choices import EDITABLE_STATUSES, AttachmentKind
from nguon.content.models import Bulletin, MediaBlob
from nguon.content.services.attachments import stored_blob
from nguon.core import access, audit
from nguon.speech import services as speech
from nguon.speech.choices import RenderStatus
from nguon.speech.models import AudioRender


def spoken_text(bulletin: Bulletin) -> str:
    """What the voice reads: the title, then the summary and the body, one block per line."""
    parts = [bulletin.title, bulletin.summary, bulletin.body_text]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def render_audio(*, actor: Any, bulletin: Bulletin) -> AudioRender:
    """Ask for the audio of the bulletin in its voice and keep it as the bulletin's audio rendition.

    The render itself runs in the background (see :func:`nguon.speech.services.request_render`); the same
    text and voice reuse an existing render.
    """
    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    if bulletin.status not in EDITABLE_STATUSES:
        raise ValidationError("Chỉ tạo âm thanh cho bản nháp hoặc bản tin bị trả lại.")
    if bulletin.voice is None:
        raise ValidationError({"voice": ["Chọn giọng đọc cho bản tin trước (sửa bản tin)."]})
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update(of=("self",)).select_related("voice").get(pk=bulletin.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError("Bản tin vừa được người khác chuyển bước; tải lại trang.")
        voice = locked.voice
        if voice is None:
            raise ValidationError({"voice": ["Chọn giọng đọc cho bản tin trước (sửa bản tin)."]})
        render = speech.request_render(actor=actor, text=spoken_text(locked), voice=voice, unit=locked.unit)
        before = {"audio_render": locked.audio_render_id}
        if locked.audio_render_id != render.pk:
            locked.audio_render = render
            locked.save(update_fields=["audio_render", "updated_at"])
            audit.record(
                actor=actor,
                action="content.bulletin.audio",
                target=locked,
                unit=locked.unit,
                before=before,
                after={"audio_render": render.pk, "voice": voice.code, "revision": locked.revision},
            )
    return render


def is_current(bulletin: Bulletin) -> bool:
    """True when the bulletin's audio was made from its present text and voice."""
    render = bulletin.audio_render
    if render is None:
        return False
    return render.source_text == spoken_text(bulletin) and render.voice_id == bulletin.voice_id


def audio_blob(bulletin: Bulletin) -> MediaBlob | None:
    """The bulletin's finished audio as a stored :class:`MediaBlob` (what devices download), or None while
    it has no finished render. The render knows its MP3's SHA-256, so once the blob exists this is one
    indexed lookup; the file is read (checked and stored) only the first time."""
    render = bulletin.audio_render
    if render is None or render.status != RenderStatus.DONE or not render.mp3:
        return None
    if render.sha256:
        existing = MediaBlob.objects.filter(sha256=render.sha256).first()
        if existing is not None:
            return existing
    with (
        transaction.atomic(),
        render.mp3.open("rb") as handle,
        stored_blob(handle, allowed_kinds=frozenset({AttachmentKind.AUDIO})) as blob,
    ):
        return blob
