"""What a web player (the e-board kiosk page, ``/boards/player/``) calls besides its manifest and media:
heartbeats and proof-of-play receipts over HTTPS (the same messages and rules as over MQTT: the ingest
services store them, receipts once per id), a push channel as server-sent events, and screenshots.

EventSource cannot send an ``Authorization`` header, so the player first trades its bearer token for a
short-lived signed ticket (``POST me/event-ticket``) and opens ``GET me/events?ticket=…``. The stream
sends ``manifest`` (version and ETag: at once, then whenever a new version is stored) and ``screenshot``
(a pending request) events, and ends after :data:`STREAM_SECONDS` so the player reconnects with a fresh
ticket. Each open stream holds one server thread (gunicorn ``gthread``); at most
:data:`MAX_STREAMS_PER_PROCESS` run per process, so streams never take every thread from the pages —
over the limit the answer is 503 and the player keeps polling its manifest every 30 s.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Router

from nguon.core.schemas import ErrorOut
from nguon.devices.api.device_side import DeviceTokenAuth
from nguon.devices.models import Device, DeviceManifest, ScreenshotRequest
from nguon.devices.protocol import topics
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.ingest_batch import handle_batch
from nguon.devices.services.screenshots import (
    MAX_SCREENSHOT_BYTES,
    REQUEST_VALID_FOR,
    store_screenshot,
)

router = Router(tags=["devices"])

TICKET_SALT = "nguon.devices.event-ticket"
TICKET_SECONDS = 60
STREAM_SECONDS = 30.0
POLL_SECONDS = 0.5
PING_SECONDS = 10.0
MAX_STREAMS_PER_PROCESS = 16
MAX_RECEIPTS_PER_BATCH = 500

_streams = threading.BoundedSemaphore(MAX_STREAMS_PER_PROCESS)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _device(request: HttpRequest) -> Device:
    device: Device = request.auth  # type: ignore[attr-defined]
    return device


@router.post(
    "/me/heartbeat",
    auth=DeviceTokenAuth(),
    response={200: dict[str, Any], 401: ErrorOut, 422: ErrorOut},
    summary="A web player's heartbeat (protocol heartbeat JSON); answers with the server time",
)
def web_heartbeat(request: HttpRequest) -> HttpResponse:
    device = _device(request)
    outcome = handle_message(topics.topic(device.device_id, topics.HEARTBEAT), request.body)
    if outcome.result == "dropped":
        return _error(422, "invalid", f"Nhịp tim không hợp lệ ({outcome.reason}).")
    return JsonResponse({"ok": True, "server_time": format_ts(timezone.now())})


@router.post(
    "/me/receipts",
    auth=DeviceTokenAuth(),
    response={200: dict[str, Any], 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary='Proof-of-play receipts in a batch ({"receipts": [...]}); idempotent by receipt id',
)
def web_receipts(request: HttpRequest) -> HttpResponse:
    """Answers ``accepted`` (stored now), ``duplicate`` (stored before) and ``rejected`` ids: the player
    drops all three from its outbox (a rejected receipt would be rejected again)."""
    device = _device(request)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    receipts = body.get("receipts") if isinstance(body, dict) else None
    if not isinstance(receipts, list):
        return _error(422, "invalid", 'Cần JSON dạng {"receipts": [...]}.')
    if len(receipts) > MAX_RECEIPTS_PER_BATCH:
        return _error(413, "too_large", f"Tối đa {MAX_RECEIPTS_PER_BATCH} biên nhận mỗi lần gửi.")
    topic = topics.topic(device.device_id, topics.RECEIPT)
    messages = [(topic, json.dumps(r, ensure_ascii=False).encode("utf-8")) for r in receipts]
    accepted: list[str] = []
    duplicate: list[str] = []
    rejected: list[dict[str, str]] = []
    for receipt, outcome in zip(receipts, handle_batch(messages), strict=True):
        if outcome.result == "stored":
            accepted.extend(outcome.ack_ids)
        elif outcome.result == "duplicate":
            duplicate.extend(outcome.ack_ids)
        else:
            receipt_id = receipt.get("id") if isinstance(receipt, dict) else None
            rejected.append({"id": str(receipt_id or "")[:64], "reason": outcome.reason})
    return JsonResponse({"accepted": accepted, "duplicate": duplicate, "rejected": rejected})


def make_ticket(device: Device) -> str:
    return signing.TimestampSigner(salt=TICKET_SALT).sign(device.device_id)


def device_for_ticket(ticket: str) -> Device | None:
    """The device a ticket was issued to, if the ticket is genuine, fresh and the device still active."""
    try:
        device_id = signing.TimestampSigner(salt=TICKET_SALT).unsign(ticket, max_age=TICKET_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return (
        Device.objects.filter(
            device_id=device_id, retired_on__isnull=True, credentials__revoked_at__isnull=True
        )
        .distinct()
        .first()
    )


@router.post(
    "/me/event-ticket",
    auth=DeviceTokenAuth(),
    response={200: dict[str, Any], 401: ErrorOut},
    summary="A signed ticket (valid 60 s) to open the event stream, which cannot send a bearer header",
)
def event_ticket(request: HttpRequest) -> HttpResponse:
    device = _device(request)
    return JsonResponse(
        {"ticket": make_ticket(device), "expires_in": TICKET_SECONDS, "device": device.device_id}
    )


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class EventStream:
    """The body of one event stream; releases its slot when the server closes the response (also when
    the stream never started because the client left at once)."""

    def __init__(self, device: Device, *, seconds: float, poll: float) -> None:
        self.device, self.seconds, self.poll = device, seconds, poll
        self._released = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"retry: 2000\n\n"
        deadline = time.monotonic() + self.seconds
        last_ping = time.monotonic()
        sent_version: int | None = None
        sent_requests: set[int] = set()
        while True:
            latest = (
                DeviceManifest.objects.filter(device=self.device)
                .order_by("-version")
                .values_list("version", "etag")
                .first()
            )
            if latest is not None and latest[0] != sent_version:
                sent_version = latest[0]
                yield _event("manifest", {"version": latest[0], "etag": latest[1]})
            pending = ScreenshotRequest.objects.filter(
                device=self.device,
                fulfilled_at__isnull=True,
                requested_at__gte=timezone.now() - REQUEST_VALID_FOR,
            ).values_list("pk", flat=True)
            for pk in pending:
                if pk not in sent_requests:
                    sent_requests.add(pk)
                    yield _event("screenshot", {"request": pk})
            now = time.monotonic()
            if now >= deadline:
                yield _event("bye", {"reconnect": True})
                return
            if now - last_ping >= PING_SECONDS:
                last_ping = now
                yield b": ping\n\n"
            time.sleep(self.poll)

    def close(self) -> None:
        if not self._released:
            self._released = True
            _streams.release()


@router.get(
    "/me/events",
    auth=None,
    response={200: None, 401: ErrorOut, 503: ErrorOut},
    summary="Server-sent events for a web player (ticket from me/event-ticket): manifest, screenshot",
)
def events(request: HttpRequest, ticket: str = "") -> HttpResponse | StreamingHttpResponse:
    device = device_for_ticket(ticket)
    if device is None:
        return _error(401, "not_authenticated", "Vé không hợp lệ hoặc đã hết hạn.")
    if not _streams.acquire(blocking=False):
        busy = _error(503, "busy", "Máy chủ đang bận; thiết bị tiếp tục hỏi lịch định kỳ.")
        busy["Retry-After"] = "30"
        return busy
    stream = EventStream(device, seconds=STREAM_SECONDS, poll=POLL_SECONDS)
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return response


@router.post(
    "/me/screenshots",
    auth=DeviceTokenAuth(),
    response={201: dict[str, Any], 401: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="A PNG of the board's screen (raw body), answering a screenshot request (?request=<id>)",
)
def upload_screenshot(request: HttpRequest, request_id: int | None = None) -> HttpResponse:
    device = _device(request)
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_SCREENSHOT_BYTES:
        return _error(413, "too_large", f"Ảnh chụp quá lớn (tối đa {MAX_SCREENSHOT_BYTES // 2**20} MB).")
    data = request.read(MAX_SCREENSHOT_BYTES + 1)
    try:
        shot = store_screenshot(device=device, data=data, request_id=request_id)
    except ValidationError as error:
        message = " ".join(error.messages)
        if len(data) > MAX_SCREENSHOT_BYTES:
            return _error(413, "too_large", message)
        if "request" in getattr(error, "error_dict", {}):
            return _error(409, "no_request", message)
        return _error(422, "invalid", message)
    assert shot.blob is not None
    return JsonResponse({"request": shot.pk, "sha256": shot.blob.sha256}, status=201)
