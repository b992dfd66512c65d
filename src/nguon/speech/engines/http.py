"""A commercial Vietnamese TTS service over HTTPS, behind one documented request shape.

Request (what Nguồn sends; see docs/speech.md):

    POST {url}
    Authorization: Bearer {api_key}
    Content-Type: application/json
    Accept: audio/wav, audio/mpeg
    {"text": "...", "voice": "...", "speed": 1.0, "pitch": 50, "format": "wav"}

Response: 200 with the audio (``audio/wav`` or ``audio/mpeg``; MP3 is decoded to WAV with ffmpeg), or a
4xx/5xx status that becomes a clear :class:`EngineError`. Vendor services that differ get a thin adapter
in front of this one.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from typing import Any

from nguon.speech.engines.base import EngineError, SynthesisRequest

MAX_AUDIO_BYTES = 200 * 1024 * 1024


class HttpEngine:
    name = "http"

    def __init__(self, *, url: str, api_key: str, timeout: float = 60.0) -> None:
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise EngineError("Địa chỉ dịch vụ TTS phải dùng HTTPS.")
        self.url, self.api_key, self.timeout = url, api_key, timeout

    def body(self, request: SynthesisRequest) -> dict[str, Any]:
        return {
            "text": request.text,
            "voice": request.voice,
            "speed": request.speed,
            "pitch": request.pitch,
            "format": "wav",
        }

    def synthesize(self, request: SynthesisRequest) -> bytes:
        http_request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=json.dumps(self.body(request), ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "audio/wav, audio/mpeg",
                "User-Agent": "Nguon-TTS/1",
            },
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:  # noqa: S310
                kind = response.headers.get_content_type()
                data: bytes = response.read(MAX_AUDIO_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise EngineError(_http_message(error.code)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise EngineError(f"Không kết nối được dịch vụ TTS: {error}") from None
        if len(data) > MAX_AUDIO_BYTES:
            raise EngineError("Dịch vụ TTS trả về tệp quá lớn.")
        if kind == "audio/mpeg" or data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3"):
            return _mp3_to_wav(data)
        if not data.startswith(b"RIFF"):
            raise EngineError(f"Dịch vụ TTS trả về dữ liệu không phải âm thanh ({kind}).")
        return data


def _http_message(status: int) -> str:
    if status in (401, 403):
        return "Dịch vụ TTS từ chối khóa truy cập (kiểm tra API key)."
    if status == 429:
        return "Dịch vụ TTS báo vượt hạn mức; thử lại sau."
    if status >= 500:
        return f"Dịch vụ TTS đang lỗi (HTTP {status}); thử lại sau."
    return f"Dịch vụ TTS không nhận yêu cầu (HTTP {status})."


def _mp3_to_wav(data: bytes) -> bytes:
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "pipe:0", "-f", "wav", "pipe:1"],  # noqa: S607
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
        raise EngineError("Không giải mã được âm thanh MP3 từ dịch vụ TTS.")
    return result.stdout
