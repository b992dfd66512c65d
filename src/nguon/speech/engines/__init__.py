"""Text-to-speech engines as plug-ins: each turns (normalised) text into WAV audio.

* ``espeak`` — espeak-ng with its Vietnamese voices (Northern ``vi``, Central, Southern); always present.
* ``piper`` — Piper neural voices from an ONNX model file the operator supplies.
* ``http`` — a commercial TTS service reached over HTTPS (URL and key set by an administrator).
"""

from nguon.speech.engines.base import Engine, EngineError, SynthesisRequest

__all__ = ["Engine", "EngineError", "SynthesisRequest"]
