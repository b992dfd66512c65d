"""The web player's device API: heartbeats over HTTPS (the board counts as connected and fresh),
receipts in batches (idempotent by id), the event stream (ticket, manifest and screenshot events) and
screenshot uploads (PNG checked by content, size-limited)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signing
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from nguon.core.models import AuditEvent
from nguon.devices.api import device_web
from nguon.devices.models import DeviceState, PlayReceipt, ScreenshotRequest
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.selectors.status import device_status
from nguon.devices.services.screenshots import MAX_SCREENSHOT_BYTES, request_screenshot

from .player_fixtures import ACTOR, eboard, png_bytes, slide, soon, store_manifest, token_for, window

pytestmark = pytest.mark.django_db
API = "/api/v1/devices/me/"


@pytest.fixture
def board(commune: Any) -> Any:
    return eboard(commune)


@pytest.fixture
def token(board: Any) -> str:
    return token_for(board)


def post(client: Client, name: str, token: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(
        API + name,
        data=data,
        content_type=extra.pop("content_type", "application/json"),
        headers={"Authorization": f"Bearer {token}"},
        **extra,
    )


def heartbeat(device_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "device": device_id,
        "ts": format_ts(timezone.now()),
        "protocol": 1,
        "firmware": "web-player/1.0.0",
        "mode": "eboard",
        "volume": 0,
        "manifest_version": 1,
        "playing": None,
        "uptime_s": 5,
        **extra,
    }


def receipt(device_id: str, n: int) -> dict[str, Any]:
    at = format_ts(timezone.now())
    return {
        "v": 1,
        "device": device_id,
        "id": f"wp-test{n:04d}-abc",
        "item": f"s{n}",
        "media": None,
        "manifest_version": 1,
        "scheduled_at": at,
        "started_at": at,
        "ended_at": at,
        "result": "played",
    }


def test_http_heartbeats_make_the_board_connected_and_fresh(client: Client, board: Any, token: str) -> None:
    store_manifest(board, [])
    assert device_status(board).connected is None  # never heard from
    answer = post(client, "heartbeat", token, heartbeat(board.device_id))
    assert answer.status_code == 200
    assert "server_time" in answer.json()
    status = device_status(board)
    assert status.fresh is True
    assert status.connected is True
    board.refresh_from_db()
    assert board.firmware == "web-player/1.0.0"
    later = timezone.now() + timezone.timedelta(minutes=5)
    assert device_status(board, now=later).connected is False  # silent web player: not connected


def test_a_heartbeat_of_another_device_or_without_token_is_refused(
    client: Client, board: Any, token: str, commune: Any
) -> None:
    other = eboard(commune, serial="EB-0002")
    refused = post(client, "heartbeat", token, heartbeat(other.device_id))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid"
    assert not DeviceState.objects.filter(device=other).exists()
    assert post(client, "heartbeat", "not-a-token", heartbeat(board.device_id)).status_code == 401
    assert post(client, "heartbeat", token, {"v": 1}).status_code == 422


def test_receipts_in_a_batch_are_stored_once(client: Client, board: Any, token: str) -> None:
    batch = [receipt(board.device_id, n) for n in range(3)]
    first = post(client, "receipts", token, {"receipts": batch})
    assert first.status_code == 200
    assert sorted(first.json()["accepted"]) == sorted(r["id"] for r in batch)
    again = post(client, "receipts", token, {"receipts": [*batch, receipt(board.device_id, 7)]})
    assert again.json()["accepted"] == ["wp-test0007-abc"]
    assert sorted(again.json()["duplicate"]) == sorted(r["id"] for r in batch)
    assert PlayReceipt.objects.filter(device=board).count() == 4
    bad = dict(receipt(board.device_id, 9), result="maybe")
    answer = post(client, "receipts", token, {"receipts": [bad]})
    assert answer.json()["rejected"] == [{"id": "wp-test0009-abc", "reason": "schema"}]
    assert post(client, "receipts", token, {"receipts": "no"}).status_code == 422
    assert post(client, "receipts", token, b"not json").status_code == 422
    assert PlayReceipt.objects.filter(device=board).count() == 4


def _events(client: Client, ticket: str) -> Any:
    return client.get(API + "events", {"ticket": ticket})


def _close(response: Any) -> None:
    """Close a stream as the server does, without the request_finished handler closing the test's
    database connection (the test client disconnects it the same way while it reads a stream)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _next_event(stream: Iterator[bytes], name: str, *, within: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + within
    for chunk in stream:
        text = chunk.decode()
        if text.startswith(f"event: {name}\n"):
            result: dict[str, Any] = json.loads(text.split("data: ", 1)[1])
            return result
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no {name} event")


def test_the_event_stream_announces_a_new_manifest_and_a_screenshot_request(
    client: Client, board: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(device_web, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(device_web, "STREAM_SECONDS", 3.0)
    first = store_manifest(board, [window("w-1", soon(5), 4000, [slide("s-1")])])
    ticket = post(client, "event-ticket", token, {}).json()["ticket"]
    response = _events(client, ticket)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    stream = iter(response.streaming_content)
    assert _next_event(stream, "manifest") == {"version": first.version, "etag": first.etag}
    second = store_manifest(board, [window("w-2", soon(5), 4000, [slide("s-2")])])
    assert _next_event(stream, "manifest") == {"version": second.version, "etag": second.etag}
    shot = request_screenshot(actor=ACTOR, device=board)
    assert _next_event(stream, "screenshot") == {"request": shot.pk}
    assert _next_event(stream, "bye") == {"reconnect": True}
    _close(response)
    # every slot is free again: as many streams as the limit can open
    assert all(device_web._streams.acquire(blocking=False) for _ in range(device_web.MAX_STREAMS_PER_PROCESS))
    for _ in range(device_web.MAX_STREAMS_PER_PROCESS):
        device_web._streams.release()


def test_a_forged_or_expired_ticket_is_refused(
    client: Client, board: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = post(client, "event-ticket", token, {}).json()["ticket"]
    forged = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    assert _events(client, forged).status_code == 401
    other = signing.TimestampSigner(salt="another-purpose").sign(board.device_id)
    assert _events(client, other).status_code == 401
    assert _events(client, "").status_code == 401
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + device_web.TICKET_SECONDS + 5)
    expired = _events(client, ticket)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "not_authenticated"
    monkeypatch.setattr(signing.time, "time", real_time)
    assert post(client, "event-ticket", "bad-token", {}).status_code == 401
    fresh = _events(client, ticket)
    assert fresh.status_code == 200
    _close(fresh)


def test_a_busy_server_answers_503_instead_of_blocking(
    client: Client, board: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(device_web, "_streams", device_web.threading.BoundedSemaphore(1))
    ticket = post(client, "event-ticket", token, {}).json()["ticket"]
    first = _events(client, ticket)
    assert first.status_code == 200
    busy = _events(client, ticket)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "30"
    _close(first)
    again = _events(client, ticket)
    assert again.status_code == 200
    _close(again)


def test_screenshot_uploads_are_checked_by_content(client: Client, board: Any, token: str) -> None:
    png = png_bytes(64, 32)
    no_request = post(client, "screenshots", token, png, content_type="image/png")
    assert no_request.status_code == 409
    shot = request_screenshot(actor=ACTOR, device=board)
    assert AuditEvent.objects.filter(action="devices.screenshot.request").count() == 1
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    refused = post(client, "screenshots", token, jpeg, content_type="image/png")
    assert refused.status_code == 422
    assert "PNG" in refused.json()["error"]["message"]
    truncated = post(client, "screenshots", token, png[:-12], content_type="image/png")
    assert truncated.status_code == 422
    huge = post(
        client, "screenshots", token, b"\x89PNG" + b"\x00" * MAX_SCREENSHOT_BYTES, content_type="image/png"
    )
    assert huge.status_code == 413
    stored = post(client, f"screenshots?request_id={shot.pk}", token, png, content_type="image/png")
    assert stored.status_code == 201
    shot.refresh_from_db()
    assert shot.fulfilled_at is not None
    assert shot.blob is not None
    assert shot.blob.mime_type == "image/png"
    assert stored.json()["sha256"] == shot.blob.sha256
    assert AuditEvent.objects.filter(action="devices.screenshot.upload").count() == 1
    assert post(client, "screenshots", token, png, content_type="image/png").status_code == 409
    assert ScreenshotRequest.objects.filter(device=board, fulfilled_at__isnull=True).count() == 0
