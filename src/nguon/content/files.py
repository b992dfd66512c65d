"""What an uploaded file really is, decided from its bytes (never its name), and how large it may be.

Audio and video are further checked with ffprobe (decodable, with the expected stream, sane duration);
DOCX must be a ZIP holding a Word document. The accepted set is what bulletins and campaigns carry:
audio (MP3, WAV, OGG, M4A), video (MP4, WebM), images (JPEG, PNG, GIF, WebP), documents (PDF, DOCX).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from nguon.content.choices import AttachmentKind
from nguon.speech import ffmpeg

MB = 1024 * 1024


class RejectedFileError(Exception):
    """The file is not what it claims, not accepted, or too large; ``status`` is the HTTP status to use."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Sniffed:
    kind: str
    mime_type: str
    extension: str
    duration_seconds: float | None = None


def max_bytes(kind: str) -> int:
    """The size limit of one file of ``kind`` (settings ``NGUON_UPLOAD_MAX_MB`` per kind)."""
    limits: dict[str, int] = settings.NGUON_UPLOAD_MAX_MB
    return limits[kind] * MB


def largest_limit() -> int:
    limits: dict[str, int] = settings.NGUON_UPLOAD_MAX_MB
    return max(limits.values()) * MB


_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: (test on the first bytes, what it is); the first match wins. ZIP (DOCX) is checked separately.
_SIGNATURES: tuple[tuple[Callable[[bytes], bool], Sniffed], ...] = (
    (lambda h: h.startswith(b"%PDF-"), Sniffed(AttachmentKind.DOCUMENT, "application/pdf", "pdf")),
    (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), Sniffed(AttachmentKind.IMAGE, "image/png", "png")),
    (lambda h: h.startswith(b"\xff\xd8\xff"), Sniffed(AttachmentKind.IMAGE, "image/jpeg", "jpg")),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), Sniffed(AttachmentKind.IMAGE, "image/gif", "gif")),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", Sniffed(AttachmentKind.IMAGE, "image/webp", "webp")),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE", Sniffed(AttachmentKind.AUDIO, "audio/wav", "wav")),
    (lambda h: h.startswith(b"OggS"), Sniffed(AttachmentKind.AUDIO, "audio/ogg", "ogg")),
    (
        lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0),
        Sniffed(AttachmentKind.AUDIO, "audio/mpeg", "mp3"),
    ),
    (lambda h: h.startswith(b"\x1a\x45\xdf\xa3"), Sniffed(AttachmentKind.VIDEO, "video/webm", "webm")),
    (
        lambda h: h[4:8] == b"ftyp" and h[8:12] in (b"M4A ", b"M4B "),
        Sniffed(AttachmentKind.AUDIO, "audio/mp4", "m4a"),
    ),
    (lambda h: h[4:8] == b"ftyp", Sniffed(AttachmentKind.VIDEO, "video/mp4", "mp4")),
)


def _sniff_bytes(head: bytes, path: Path) -> Sniffed | None:
    for test, sniffed in _SIGNATURES:
        if test(head):
            return sniffed
    if head.startswith(b"PK\x03\x04") and _is_docx(path):
        return Sniffed(AttachmentKind.DOCUMENT, _DOCX_MIME, "docx")
    return None


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _probe_media(path: Path, kind: str) -> float:
    """Duration of audio/video that ffprobe can decode; :class:`RejectedFileError` otherwise."""
    try:
        info = ffmpeg.probe_json(str(path)) or {}
    except ffmpeg.AudioError:  # ffprobe missing or too slow: the file cannot be vouched for
        info = {}
    wanted = "video" if kind == AttachmentKind.VIDEO else "audio"
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == wanted]
    if not streams:
        noun = "video" if kind == AttachmentKind.VIDEO else "âm thanh"
        raise RejectedFileError(
            f"Tệp không phải {noun} đọc được (đã kiểm tra nội dung tệp, không theo đuôi tên)."
        )
    try:
        duration = float((info.get("format") or {}).get("duration") or streams[0].get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise RejectedFileError("Không đọc được độ dài của tệp âm thanh/video.")
    return duration


def inspect(path: Path, *, allowed_kinds: frozenset[str] | None = None) -> Sniffed:
    """Decide what the file at ``path`` is; :class:`RejectedFileError` (Vietnamese message) if not accepted."""
    size = path.stat().st_size
    if size == 0:
        raise RejectedFileError("Tệp rỗng.")
    if size > largest_limit():
        raise RejectedFileError(f"Tệp quá lớn (tối đa {largest_limit() // MB} MB).", status=413)
    with path.open("rb") as handle:
        head = handle.read(64)
    sniffed = _sniff_bytes(head, path)
    if sniffed is None:
        raise RejectedFileError(
            "Định dạng tệp không được nhận (đã kiểm tra nội dung tệp, không theo đuôi tên). Nhận: âm thanh "
            "MP3, WAV, OGG, M4A; video MP4, WebM; ảnh JPEG, PNG, GIF, WebP; tài liệu PDF, DOCX."
        )
    if allowed_kinds is not None and sniffed.kind not in allowed_kinds:
        raise RejectedFileError(f"Ở đây không nhận tệp loại {AttachmentKind(sniffed.kind).label}.")
    if size > max_bytes(sniffed.kind):
        label = AttachmentKind(sniffed.kind).label
        raise RejectedFileError(
            f"Tệp {label} quá lớn (tối đa {max_bytes(sniffed.kind) // MB} MB).", status=413
        )
    if sniffed.kind in (AttachmentKind.AUDIO, AttachmentKind.VIDEO):
        duration = _probe_media(path, sniffed.kind)
        return Sniffed(sniffed.kind, sniffed.mime_type, sniffed.extension, duration)
    return sniffed
