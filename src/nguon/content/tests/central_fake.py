"""A fake central source system for the intake tests: a real HTTP server on 127.0.0.1 (random port).

It serves the v1 feed from ``pages`` (keyed by the ``since`` cursor), files from ``files``, and — before
either — any scripted replies queued in ``script`` (errors, delays, wrong bodies). Every request is
recorded, so tests can assert exactly what Nguồn sent.
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
from urllib.parse import parse_qsl, urlsplit

PULL_TOKEN = "tok-central-pull-0123456789abcdef"
PUSH_TOKEN = "tok-central-push-0123456789abcdef0123456789"


@dataclass
class Reply:
    """One scripted answer: status, body (bytes, or JSON-able), headers, and a delay before answering."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeCentral:
    def __init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.script: list[Reply] = []
        self.requests: list[Recorded] = []
        self.url = ""

    def feed(self, *pages: list[dict[str, Any]], contract: str = "1") -> None:
        """Pages in order: the first at the start of the feed, each ``next`` leading to the following one;
        after the last, an empty page with ``next: null``."""
        cursor = ""
        for number, items in enumerate(pages, 1):
            following = f"c{number}"
            self.pages[cursor] = {"contract": contract, "items": items, "next": following}
            cursor = following
        self.pages[cursor] = {"contract": contract, "items": [], "next": None}

    @property
    def feed_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/bulletins"]

    def answer(self, handler: BaseHTTPRequestHandler) -> Reply:
        parts = urlsplit(handler.path)
        self.requests.append(
            Recorded(
                method=handler.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers=dict(handler.headers.items()),
            )
        )
        if self.script:
            return self.script.pop(0)
        if parts.path in self.files:
            return Reply(body=self.files[parts.path], headers={"Content-Type": "application/octet-stream"})
        if parts.path == "/v1/bulletins":
            since = dict(parse_qsl(parts.query)).get("since", "")
            page = self.pages.get(since, {"contract": "1", "items": [], "next": None})
            return Reply(body=page)
        return Reply(status=404, body={"error": "not found"})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeCentral

    def do_GET(self) -> None:
        reply = self.fake.answer(self)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body
        headers = dict(reply.headers)
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else b""
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        try:
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def running() -> Iterator[FakeCentral]:
    fake = FakeCentral()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def item(external_id: str = "TW-2026-0001", **overrides: Any) -> dict[str, Any]:
    """A valid v1 item for Thái Nguyên (19); ``overrides`` replace top-level fields."""
    data: dict[str, Any] = {
        "external_id": external_id,
        "version": 1,
        "updated_at": "2026-12-01T08:00:00+07:00",
        "title": "Cảnh báo mưa lớn diện rộng ở các tỉnh miền núi phía Bắc",
        "summary": "Trung tâm Dự báo khí tượng thủy văn quốc gia cảnh báo mưa lớn.",
        "body_html": "<p>Từ đêm 1/12 đến ngày 3/12, khu vực có mưa to.</p><script>alert(1)</script>",
        "category": "thien-tai-dich-benh",
        "language": "vi",
        "priority": "priority",
        "target": {"province": "19", "communes": []},
        "channels": ["radio", "eboard"],
        "valid_from": "2026-12-01T08:00:00+07:00",
        "valid_until": "2026-12-04T08:00:00+07:00",
        "attachments": [],
        "issuer": {"name": "Bộ Văn hóa, Thể thao và Du lịch", "code": "BVHTTDL"},
    }
    data.update(overrides)
    return data
