"""Fixtures of the centralsync tests: a fake central system (``http.server`` in a thread) that records
every request and answers from a script, and rows written directly (other apps test their services)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from nguon.centralsync.client import SyncClient

TOKEN = "tok-central-sync-0123456789abcdef"


@dataclass
class Reply:
    """One scripted answer: status, headers, body, and a delay before answering (to cause timeouts)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"accepted": true}'
    delay: float = 0.0


class FakeCentral:
    """Records every request (method, path, headers, raw body); answers from ``script``, then 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[Reply] = []
        self.url = ""
        self.lock = threading.Lock()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"].decode("utf-8")) for r in self.requests]


@pytest.fixture
def central() -> Iterator[FakeCentral]:
    fake = FakeCentral()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            with fake.lock:
                fake.requests.append(
                    {"method": "POST", "path": self.path, "headers": dict(self.headers.items()), "body": raw}
                )
                reply = fake.script.pop(0) if fake.script else Reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/ndxp"
    yield fake
    server.shutdown()
    server.server_close()


@dataclass
class Waits:
    """An injected ``sleep`` that records the waits instead of waiting."""

    seconds: list[float] = field(default_factory=list)

    def __call__(self, value: float) -> None:
        self.seconds.append(value)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def make_client(central: FakeCentral, waits: Waits) -> Callable[..., SyncClient]:
    def make(**options: Any) -> SyncClient:
        values: dict[str, Any] = {"url": central.url, "token": TOKEN, "sleep": waits, "jitter": lambda: 0.0}
        values.update(options)
        return SyncClient(**values)

    return make


@pytest.fixture
def past() -> datetime:
    """A moment well before now, for rows that must be settled."""
    return timezone.now() - timedelta(hours=1)
