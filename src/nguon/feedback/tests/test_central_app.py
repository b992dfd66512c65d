"""The central mobile app adapter: intake (bearer key of a ``mobile_app`` client, idempotent by the app's
id, bad input as the project's JSON errors) and the push back, against a local fake HTTP server whose
received requests are asserted exactly — including retries after failures and no retry on 4xx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db.models import F

from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.feedback.central_app import CentralAppClient, CentralAppError
from nguon.feedback.choices import Channel, Status
from nguon.feedback.models import Feedback
from nguon.feedback.services import answers, central_app
from nguon.feedback.services.clients import create_api_client

pytestmark = pytest.mark.django_db
TOKEN = "tok-app-feedback-0123456789"


class FakeApp:
    """Records every request; answers from ``script`` (status codes) and then 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str]]] = []
        self.url = ""


@pytest.fixture
def fake() -> Iterator[FakeApp]:
    app = FakeApp()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            app.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            status, headers = app.script.pop(0) if app.script else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{server.server_address[1]}/app-api"
    yield app
    server.shutdown()
    server.server_close()


def _key() -> str:
    _, key = create_api_client(actor=access.SYSTEM, name="VNeID phản ánh", channel=Channel.MOBILE_APP)
    return key


def _payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract": "1",
        "id": "app-2026-77",
        "service_code": "moi-truong",
        "commune_code": "05569",
        "description": "Khói đốt rơm rạ ở cánh đồng thôn Nà Mỵ gây ô nhiễm khu dân cư.",
        "location": {"lat": 21.9, "long": 105.64, "address": "Cánh đồng thôn Nà Mỵ"},
        "reporter": {"name": "Đinh Văn Quý", "phone": "0977 111 222"},
    }
    body.update(overrides)
    return body


def _post(client: Any, key: str, body: Any) -> Any:
    return client.post(
        "/api/v1/feedback/central",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_the_app_pushes_feedback_once_per_id(client: Any) -> None:
    key = _key()
    first = _post(client, key, _payload())
    assert first.status_code == 201
    out = first.json()
    feedback = Feedback.objects.get()
    assert out == {
        "id": "app-2026-77",
        "nguon_id": feedback.public_id,
        "status": "received",
        "open311_status": "open",
        "created": True,
    }
    assert feedback.channel == Channel.MOBILE_APP
    assert feedback.external_id == "app-2026-77"
    assert feedback.reporter_phone == "0977111222"
    assert str(feedback.latitude) == "21.900000"
    again = _post(client, key, _payload(description="Gửi lại lần hai do mạng chập chờn, cùng một phản ánh."))
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert Feedback.objects.count() == 1


def test_intake_refuses_bad_keys_and_bad_input(client: Any) -> None:
    key = _key()
    assert _post(client, "ng311_wrong", _payload()).status_code == 401
    _, open311_key = create_api_client(actor=access.SYSTEM, name="Open311 client")
    assert _post(client, open311_key, _payload()).status_code == 401  # not the mobile app's key
    bad = _post(client, key, _payload(contract="2", service_code="khong-co", commune_code="99999", id="a b"))
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert fields == {"contract", "service_code", "commune_code", "id"}
    broken = client.post(
        "/api/v1/feedback/central",
        data=b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "invalid"
    assert not Feedback.objects.exists()


def test_status_and_answer_are_pushed_back_once(fake: FakeApp, handler: Any, approver: Any) -> None:
    client_row, _ = create_api_client(actor=access.SYSTEM, name="App", channel=Channel.MOBILE_APP)
    feedback, _ = central_app.receive(client=client_row, payload=_payload())
    app = CentralAppClient(url=fake.url, token=TOKEN, sleep=lambda s: None)

    first = central_app.push_pending(client=app)
    assert (first.pushed, first.failed, first.unchanged) == (1, 0, 0)
    sent = fake.requests[0]
    assert sent["path"] == "/app-api/v1/feedback/app-2026-77/status"
    assert sent["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert sent["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert sent["headers"]["Idempotency-Key"].startswith(f"{feedback.public_id}:")
    assert sent["body"]["status"] == "received"
    assert sent["body"]["answer"] is None
    assert "Đinh Văn Quý" not in json.dumps(sent["body"], ensure_ascii=False)
    assert "0977111222" not in json.dumps(sent["body"])

    assert central_app.push_pending(client=app).unchanged == 1
    assert len(fake.requests) == 1

    answer = answers.draft_answer(
        actor=handler, feedback=feedback, body="Xã đã nhắc các hộ không đốt rơm rạ."
    )
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    assert central_app.push_pending(client=app).pushed == 1
    body = fake.requests[-1]["body"]
    assert body["status"] == Status.ANSWERED
    assert body["open311_status"] == "closed"
    assert body["answer"]["body"] == "Xã đã nhắc các hộ không đốt rơm rạ."
    assert AuditEvent.objects.filter(action=central_app.PUSH_ACTION).count() == 2


def test_failures_are_retried_with_backoff_and_4xx_is_not(fake: FakeApp) -> None:
    client_row, _ = create_api_client(actor=access.SYSTEM, name="App", channel=Channel.MOBILE_APP)
    central_app.receive(client=client_row, payload=_payload())
    waits: list[float] = []
    app = CentralAppClient(url=fake.url, token=TOKEN, retries=3, backoff=0.5, sleep=waits.append)

    fake.script = [(503, {}), (429, {"Retry-After": "7"}), (200, {})]
    assert central_app.push_pending(client=app).pushed == 1
    assert waits == [0.5, 7.0]
    assert len(fake.requests) == 3
    assert len({r["headers"]["Idempotency-Key"] for r in fake.requests}) == 1  # the same push each time

    fake.requests.clear()
    waits.clear()
    fake.script = [(500, {})] * 4
    Feedback.objects.update(due_at=F("due_at") + timedelta(days=5))  # a change the app must hear of
    done = central_app.push_pending(client=app)
    assert (done.pushed, done.failed) == (0, 1)
    assert "đã thử 4 lần" in done.errors[0]
    assert waits == [0.5, 1.0, 2.0]
    assert len(fake.requests) == 4

    fake.requests.clear()
    fake.script = [(400, {})]
    done = central_app.push_pending(client=app)
    assert done.failed == 1
    assert len(fake.requests) == 1
    assert central_app.push_pending(client=app).pushed == 1  # tried again on the next run


def test_unconfigured_push_says_what_is_missing(settings: Any) -> None:
    settings.NGUON_CENTRAL_TOKEN = ""
    with pytest.raises(CentralAppError, match="NGUON_CENTRAL_FEEDBACK_URL"):
        CentralAppClient.from_settings()
