"""A fake LibreTranslate server for the contract tests: a real HTTP server on 127.0.0.1 (random port).

It answers ``POST /translate`` with the scripted replies in ``script`` (first in, first out), or by
prefixing every text with ``[target] `` when nothing is scripted. Every request is recorded (path,
headers, JSON body) so tests assert exactly what Nguồn sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay: float = 0.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLibreTranslate:
    url: str = ""
    script: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)


@contextmanager
def running() -> Iterator[FakeLibreTranslate]:
    fake = FakeLibreTranslate()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body: Any = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = raw
            fake.requests.append(Recorded("POST", self.path, dict(self.headers.items()), body))
            reply = fake.script.pop(0) if fake.script else None
            if reply is None:
                texts = body.get("q", []) if isinstance(body, dict) else []
                target = body.get("target", "") if isinstance(body, dict) else ""
                reply = Reply(body={"translatedText": [f"[{target}] {t}" for t in texts]})
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode("utf-8")
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (the timeout test)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
