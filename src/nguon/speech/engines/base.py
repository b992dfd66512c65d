"""The engine contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

MAX_TEXT_CHARS = 200_000


class EngineError(Exception):
    """The engine could not produce audio; the message says why in plain words."""


@dataclass(frozen=True)
class SynthesisRequest:
    """What to say and how. ``speed`` is relative (1.0 = the voice's normal rate); ``pitch`` 0–100."""

    text: str
    voice: str
    speed: float = 1.0
    pitch: int = 50

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise EngineError("Không có nội dung để đọc (văn bản rỗng).")
        if len(self.text) > MAX_TEXT_CHARS:
            raise EngineError(f"Văn bản quá dài ({len(self.text):,} ký tự; tối đa {MAX_TEXT_CHARS:,}).")
        if not 0.5 <= self.speed <= 2.0:
            raise EngineError("Tốc độ đọc phải trong khoảng 0,5 đến 2,0.")
        if not 0 <= self.pitch <= 100:
            raise EngineError("Cao độ phải trong khoảng 0 đến 100.")


class Engine(Protocol):
    """A TTS engine. ``synthesize`` returns a complete WAV file (any sample rate, mono or stereo)."""

    name: str

    def synthesize(self, request: SynthesisRequest) -> bytes: ...
