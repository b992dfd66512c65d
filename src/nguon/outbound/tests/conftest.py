"""Fixtures of the outbound tests: a local fake HTTP server per plug-in, and distributed bulletins.

The fake records every request exactly as received (method, path, headers, raw body) and answers from a
script of responses (status, headers, body, or a delay longer than the client's timeout); once the
script is used up it answers ``default``. It counts deliveries by idempotency key, the way a receiving
side that deduplicates would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from nguon.content.tests.conftest import (  # noqa: F401 — fixtures
    bulletin_input,
    category,
    department,
    people,
    sign_in,
)

# ruff: noqa: F811 — fixtures imported from the content tests


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the client timeout: a timeout)


class FakeServer:
    """A scripted HTTP server on 127.0.0.1 in a thread."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.default: Reply | Callable[[Recorded], Reply] = Reply()
        self.delivered: dict[str, int] = {}  # idempotency key → successful deliveries
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                fake.requests.append(recorded)
                reply = fake.script.pop(0) if fake.script else fake.default
                if callable(reply):
                    reply = reply(recorded)
                if reply.delay:
                    time.sleep(reply.delay)
                if 200 <= reply.status < 300:
                    key = recorded.headers.get("x-nguon-idempotency-key", "")
                    fake.delivered[key] = fake.delivered.get(key, 0) + 1
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def unique_deliveries(self) -> int:
        return len([k for k, n in self.delivered.items() if n])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def fake2() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def configure(make_user: Callable[..., Any], province: Any) -> Callable[..., Any]:
    """Create a destination as a provincial approver: ``configure(kind, settings, credentials, **more)``."""
    from nguon.accounts.choices import Role
    from nguon.content.choices import Channel
    from nguon.outbound.services.destinations import DestinationInput, save_destination

    admin = make_user(Role.PROVINCIAL_APPROVER, unit=province)

    def make(
        kind: str, settings: dict[str, Any], credentials: dict[str, str] | None = None, **more: Any
    ) -> Any:
        values: dict[str, Any] = {
            "name": f"Nơi nhận {kind}",
            "kind": kind,
            "channel": Channel.SOCIAL,
            "unit": province,
            "settings": settings,
            "credentials": credentials or {},
        }
        values.update(more)
        return save_destination(actor=admin, data=DestinationInput(**values))

    return make


@pytest.fixture
def distribute(
    people: Any, department: Any, bulletin_input: Any, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """A department bulletin approved and distributed (signals run): ``distribute(**bulletin fields)``."""
    from nguon.content.choices import Channel
    from nguon.content.services import bulletins, workflow

    def make(**data: Any) -> Any:
        data.setdefault("channels", [Channel.SOCIAL, Channel.PORTAL])
        with django_capture_on_commit_callbacks(execute=True):
            b = bulletins.create_bulletin(
                actor=people.contributor, organisation=department, data=bulletin_input(**data)
            )
            workflow.submit(actor=people.contributor, bulletin=b)
            workflow.appraise(actor=people.board, bulletin=b)
            workflow.approve(actor=people.approver, bulletin=b)
        b.refresh_from_db()
        return b

    return make


@pytest.fixture
def correct(people: Any, bulletin_input: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Correct a distributed bulletin with new fields and approve the correction (signals run)."""
    from nguon.content.services import bulletins, workflow

    def make(b: Any, **data: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.start_correction(actor=people.contributor, bulletin=b)
            b.refresh_from_db()
            data.setdefault("channels", list(b.channels))
            bulletins.update_bulletin(actor=people.contributor, bulletin=b, data=bulletin_input(**data))
            b.refresh_from_db()
            workflow.submit(actor=people.contributor, bulletin=b)
            workflow.appraise(actor=people.board, bulletin=b)
            workflow.approve(actor=people.approver, bulletin=b)
        b.refresh_from_db()
        return b

    return make


@pytest.fixture
def withdraw(people: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    from nguon.content.services import workflow

    def make(b: Any, reason: str = "Thông tin chưa chính xác") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.withdraw(actor=people.approver, bulletin=b, reason=reason)
        b.refresh_from_db()
        return b

    return make
