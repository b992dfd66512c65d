"""Images and videos for boards: checked at upload so that nothing a board cannot show gets on it.

On top of the project's file check (``content.files.inspect``: the type from the bytes, the size limit
per kind, ffprobe for video), a board's file must be:

* an image (JPEG, PNG, WebP, GIF) of at most :data:`MAX_SIDE` pixels on a side and :data:`MAX_PIXELS`
  pixels in all — the size is read from the file's header, nothing is decoded, so a decompression bomb
  (a small file that unpacks to gigabytes) is refused before any program opens it;
* or a video that browsers play: H.264, VP8, VP9 or AV1 video (H.264 in 8-bit 4:2:0 only) with AAC,
  Opus, Vorbis or MP3 audio or none, in MP4 or WebM, at most 4096 pixels on a side.

Refusals are :class:`~nguon.content.files.RejectedFileError` with a Vietnamese message that names what
was found (the codec, the size) and the limit.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage

from nguon.content.choices import AttachmentKind
from nguon.content.files import MB, RejectedFileError
from nguon.content.models import MediaBlob
from nguon.content.services.attachments import Upload, stored_blob
from nguon.speech import ffmpeg

MAX_SIDE = 8192
MAX_PIXELS = 40_000_000
MAX_VIDEO_SIDE = 4096
BOARD_KINDS = frozenset({AttachmentKind.IMAGE, AttachmentKind.VIDEO})

#: Codecs browsers play, per container (what Chromium and Android WebView decode without extras).
VIDEO_CODECS = {"video/mp4": {"h264", "vp9", "av1"}, "video/webm": {"vp8", "vp9", "av1"}}
AUDIO_CODECS = {"video/mp4": {"aac", "mp3", "opus"}, "video/webm": {"opus", "vorbis"}}
H264_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
CODEC_NAMES = {
    "hevc": "HEVC/H.265",
    "h264": "H.264",
    "mpeg2video": "MPEG-2",
    "mpeg1video": "MPEG-1",
    "mpeg4": "MPEG-4 Part 2 (DivX/Xvid)",
    "msmpeg4v3": "MS MPEG-4",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "prores": "Apple ProRes",
    "wmv3": "WMV",
    "ac3": "AC-3 (Dolby Digital)",
    "eac3": "E-AC-3",
    "dts": "DTS",
    "pcm_s16le": "PCM",
    "aac": "AAC",
    "mp3": "MP3",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "flac": "FLAC",
}
CONTAINER_NAMES = {"video/mp4": "MP4", "video/webm": "WebM"}


def codec_name(codec: str) -> str:
    return CODEC_NAMES.get(codec, codec.upper() or "không rõ")


# -- image headers --------------------------------------------------------------------------------------
def _png(head: bytes) -> tuple[int, int] | None:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    return None


def _gif(head: bytes) -> tuple[int, int] | None:
    if len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return int(width), int(height)
    return None


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = 1 + int.from_bytes(head[24:27], "little")
        height = 1 + int.from_bytes(head[27:30], "little")
        return width, height
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(path: Path) -> tuple[int, int] | None:
    """Walk the JPEG's segments to the first start-of-frame marker (EXIF blocks can be long)."""
    with path.open("rb") as handle:
        if handle.read(2) != b"\xff\xd8":
            return None
        for _ in range(10_000):
            byte = handle.read(1)
            while byte and byte != b"\xff":
                byte = handle.read(1)
            while byte == b"\xff":
                byte = handle.read(1)
            if not byte:
                return None
            marker = byte[0]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                continue
            length_bytes = handle.read(2)
            if len(length_bytes) < 2:
                return None
            length = struct.unpack(">H", length_bytes)[0]
            if marker in _SOF:
                data = handle.read(5)
                if len(data) < 5:
                    return None
                height, width = struct.unpack(">HH", data[1:5])
                return int(width), int(height)
            handle.seek(length - 2, 1)
    return None


def image_size(path: Path, mime_type: str) -> tuple[int, int] | None:
    """Width and height from the image file's header, without decoding it; None when unreadable."""
    if mime_type == "image/jpeg":
        return _jpeg(path)
    with path.open("rb") as handle:
        head = handle.read(64)
    reader = {"image/png": _png, "image/gif": _gif, "image/webp": _webp}.get(mime_type)
    return reader(head) if reader is not None else None


def check_image(path: Path, mime_type: str) -> tuple[int, int]:
    size = image_size(path, mime_type)
    if size is None or min(size) <= 0:
        raise RejectedFileError("Không đọc được kích thước ảnh; tệp ảnh bị hỏng hoặc không hợp lệ.")
    width, height = size
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise RejectedFileError(
            f"Ảnh quá lớn: {width} × {height} điểm ảnh ({width * height / 1e6:.1f} triệu điểm ảnh). "
            f"Tối đa {MAX_SIDE} điểm ảnh mỗi chiều và {MAX_PIXELS // 1_000_000} triệu điểm ảnh; hãy thu nhỏ "
            "ảnh rồi tải lên lại."
        )
    return width, height


# -- video ----------------------------------------------------------------------------------------------
def check_video(path: Path, mime_type: str) -> dict[str, Any]:
    """The video's streams if a browser can play them; :class:`RejectedFileError` naming the codec if not."""
    try:
        info = ffmpeg.probe_json(str(path)) or {}
    except ffmpeg.AudioError:
        info = {}
    streams = info.get("streams") or []
    videos = [s for s in streams if s.get("codec_type") == "video" and not _is_cover(s)]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    container = CONTAINER_NAMES.get(mime_type, mime_type)
    if not videos:
        raise RejectedFileError("Tệp không có hình video đọc được.")
    video = videos[0]
    codec = str(video.get("codec_name") or "")
    if codec not in VIDEO_CODECS.get(mime_type, set()):
        raise RejectedFileError(
            f"Video dùng mã hóa {codec_name(codec)} trong tệp {container}: trình duyệt của bảng tin không "
            "phát được, màn hình sẽ đen. Hãy chuyển sang H.264 trong MP4 (hoặc VP9 trong WebM) rồi tải lên lại."
        )
    pixel_format = str(video.get("pix_fmt") or "")
    if codec == "h264" and pixel_format not in H264_PIXEL_FORMATS:
        raise RejectedFileError(
            f"Video H.264 dạng {pixel_format or 'không rõ'} (10-bit hoặc 4:2:2/4:4:4): trình duyệt của bảng tin "
            "không phát được. Hãy xuất lại ở dạng 8-bit 4:2:0 (yuv420p)."
        )
    for audio in audios:
        audio_codec = str(audio.get("codec_name") or "")
        if audio_codec not in AUDIO_CODECS.get(mime_type, set()):
            raise RejectedFileError(
                f"Âm thanh của video dùng mã hóa {codec_name(audio_codec)}: trình duyệt của bảng tin không phát "
                f"được trong tệp {container}. Hãy dùng AAC (MP4) hoặc Opus (WebM), hoặc bỏ âm thanh."
            )
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if max(width, height) > MAX_VIDEO_SIDE:
        raise RejectedFileError(
            f"Video quá lớn: {width} × {height} điểm ảnh; tối đa {MAX_VIDEO_SIDE} điểm ảnh mỗi chiều."
        )
    return {"codec": codec, "width": width, "height": height, "audio": [a.get("codec_name") for a in audios]}


def _is_cover(stream: dict[str, Any]) -> bool:
    """An attached picture (cover art) is not the video."""
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _blob_path(blob: MediaBlob) -> Path:
    return Path(default_storage.path(blob.file.name))


def check_blob(blob: MediaBlob) -> None:
    """Refuse a stored file a board cannot show (see the module docstring)."""
    if blob.kind == AttachmentKind.IMAGE:
        check_image(_blob_path(blob), blob.mime_type)
    elif blob.kind == AttachmentKind.VIDEO:
        check_video(_blob_path(blob), blob.mime_type)
    else:
        raise RejectedFileError("Bảng tin chỉ nhận ảnh (JPEG, PNG, WebP, GIF) hoặc video (MP4, WebM).")


@contextmanager
def board_blob(upload: Upload, *, kinds: frozenset[str] = BOARD_KINDS) -> Iterator[MediaBlob]:
    """The stored :class:`MediaBlob` of an image or video upload that boards can show. Use it inside the
    caller's transaction (like ``stored_blob``): a refused file leaves neither a row nor a file."""
    try:
        with stored_blob(upload, allowed_kinds=kinds) as blob:
            check_blob(blob)
            yield blob
    except RejectedFileError as error:
        found = getattr(upload, "size", None)
        if error.status == 413 and isinstance(found, int) and "tệp có" not in error.message:
            raise RejectedFileError(
                f"{error.message.rstrip('.')}; tệp có {found / MB:.1f} MB.", status=413
            ) from None
        raise
