"""espeak-ng, the offline engine that always has Vietnamese voices (Debian package ``espeak-ng``)."""

from __future__ import annotations

import shutil
import subprocess

from nguon.speech.engines.base import EngineError, SynthesisRequest

VOICES = {
    "vi": "Tiếng Việt — giọng Bắc (espeak-ng)",
    "vi-vn-x-central": "Tiếng Việt — giọng Trung (espeak-ng)",
    "vi-vn-x-south": "Tiếng Việt — giọng Nam (espeak-ng)",
}
NORMAL_WPM = 165  # a calm announcer's pace; espeak's own default (175) sounds hurried in Vietnamese


class EspeakEngine:
    name = "espeak"

    def __init__(self, binary: str = "espeak-ng") -> None:
        self.binary = binary

    def synthesize(self, request: SynthesisRequest) -> bytes:
        path = shutil.which(self.binary)
        if path is None:
            raise EngineError("Chưa cài espeak-ng (apt-get install espeak-ng).")
        if request.voice not in VOICES:
            raise EngineError(f"Giọng {request.voice!r} không có trong espeak-ng.")
        args = [
            path,
            "-v",
            request.voice,
            "-s",
            str(round(NORMAL_WPM * request.speed)),
            "-p",
            str(request.pitch),
            "-b",
            "1",
            "--stdout",
            "--stdin",
        ]
        # About 0.2 s per 1,000 words here; the timeout only guards against a hung process.
        timeout = 30 + len(request.text) / 500
        try:
            result = subprocess.run(  # noqa: S603 - fixed binary, text on stdin
                args, input=request.text.encode("utf-8"), capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise EngineError("espeak-ng không trả lời kịp.") from None
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise EngineError(f"espeak-ng lỗi: {result.stderr.decode('utf-8', 'replace').strip()[:200]}")
        return result.stdout
