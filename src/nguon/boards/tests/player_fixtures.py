"""Test helpers of the player tests: an e-board with a token, and e-board manifests written directly in
the form of the contract (docs/boards-player.md), without the boards compilation services."""

from __future__ import annotations

import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from nguon.content.models import MediaBlob
from nguon.core import access
from nguon.devices.models import Device, DeviceManifest, EmergencyBroadcast
from nguon.devices.protocol.manifests import build_manifest, manifest_etag, sign_manifest
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.services.manifests import emergency_block, get_current_manifest, media_ref
from nguon.devices.services.provisioning import provision_device
from nguon.devices.services.registry import register_device
from nguon.devices.signing import server_key
from nguon.devices.tests.mosquitto import _QuietHandler, _SharedConnectionServer, free_port

ACTOR = access.SystemActor("tests")
T = TypeVar("T")
SERVE_LOCK = threading.RLock()
#: Vietnamese with the letters the LED tests must keep intact (ư, ơ, ạ, ộ, ữ).
VIET_HEADING = "Thông báo: Cộng đồng phường Định Hóa dự lễ mừng Quốc khánh"
VIET_BODY = (
    "Từ ngày 26 tháng 11, Ủy ban nhân dân xã tổ chức hội nghị tuyên truyền về phòng chống lũ quét.\n"
    "Người dân chú ý theo dõi thông tin trên loa, bảng điện tử và những kênh chính thức khác; "
    "không lội qua suối khi trời mưa lớn. Mọi vướng mắc xin liên hệ trụ sở ủy ban."
)


def eboard(unit: Any, *, serial: str = "EB-0001", resolution: str = "384x192") -> Device:
    return register_device(
        actor=ACTOR, kind="eboard", serial=serial, unit=unit, panel="led", resolution=resolution
    )


def token_for(device: Device) -> str:
    return provision_device(actor=ACTOR, device=device).token


def on_connection(connection: Any, work: Callable[[], T]) -> T:
    """Run ``work`` in a thread on ``connection`` (the test's, taken before the Playwright block): ORM calls
    made inside that block would otherwise open a second connection, outside the test's transaction,
    which then waits for it forever."""
    result: dict[str, Any] = {}

    def target() -> None:
        connections["default"] = connection
        try:
            result["value"] = work()
        except BaseException as error:  # noqa: BLE001 — handed back to the caller
            result["error"] = error

    def locked() -> None:
        with SERVE_LOCK:
            target()

    thread = threading.Thread(target=locked, name="test-orm")
    thread.start()
    thread.join(60)
    if "error" in result:
        raise result["error"]
    value: T = result["value"]
    return value


class _StoppableServer(_SharedConnectionServer):
    """The shared-connection test server, which can also cut the connections it has open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.open.discard(request)
        super().shutdown_request(request)

    def cut(self) -> None:
        with self.lock:
            sockets = list(self.open)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _OneAtATime(WSGIHandler):
    """Requests handled one at a time, and never during the test's own writes (``on_connection``): they
    all share the test's one connection, whose transaction state (savepoints) is not thread-safe. Event
    streams only read, after their request is handled, so they still run alongside."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        with SERVE_LOCK:
            return super().__call__(environ, start_response)


class Server:
    """The project on 127.0.0.1:<port>, which the test can stop and start again on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.server: _StoppableServer | None = None
        self.thread: threading.Thread | None = None
        # taken now: inside a Playwright block ``connections`` would hand out another connection
        self.connection = connections["default"]

    def start(self) -> None:
        server = _StoppableServer(
            ("127.0.0.1", self.port),
            _QuietHandler,
            allow_reuse_address=True,
            connections_override={"default": self.connection},
        )
        server.set_app(_OneAtATime())
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, name="test-http-offline", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        assert self.server is not None
        assert self.thread is not None
        self.server.shutdown()
        self.server.server_close()
        self.server.cut()
        self.thread.join(5)
        self.server = None


@contextmanager
def stoppable_server() -> Iterator[Server]:
    connection = connections["default"]
    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = Server(free_port())
    server.start()
    try:
        yield server
    finally:
        if server.server is not None:
            server.stop()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


def slide(slide_id: str, kind: str = "text", duration_ms: int = 2000, **extra: Any) -> dict[str, Any]:
    return {"id": slide_id, "kind": kind, "duration_ms": duration_ms, **extra}


def window(
    item_id: str, start: datetime, duration_ms: int, slides: list[dict[str, Any]], title: str = ""
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "title": title or item_id,
        "start": format_ts(start),
        "duration_ms": duration_ms,
        "slides": slides,
        "source": {"type": "board-schedule", "id": item_id},
    }
    return item


def _media(items: list[dict[str, Any]], emergency: dict[str, Any] | None) -> list[str]:
    hashes = set()
    for item in items:
        for s in item.get("slides", []):
            for media in (s.get("media"), (s.get("side") or {}).get("media")):
                if media:
                    hashes.add(media["sha256"])
    if emergency and "media" in emergency["item"]:
        hashes.add(emergency["item"]["media"]["sha256"])
    return sorted(hashes)


def store_manifest(device: Device, items: list[dict[str, Any]] | None = None) -> DeviceManifest:
    """A new manifest version for ``device`` with ``items`` (default: the current ones) and its current
    emergency, checked against the protocol schema, like ``devices.services.manifests._write``."""
    with transaction.atomic():
        Device.objects.select_for_update().filter(pk=device.pk).first()
        current = get_current_manifest(device)
        if items is None:
            items = list(current.body["items"]) if current is not None else []
        emergency = emergency_block(device)
        version = current.version + 1 if current is not None else 1
        body = build_manifest(
            device=device.device_id,
            version=version,
            mode="eboard",
            items=items,
            generated_at=timezone.now(),
            emergency=emergency,
        )
        sign_manifest(server_key(), body)  # validates the schema
        return DeviceManifest.objects.create(
            device=device,
            version=version,
            etag=manifest_etag(body),
            body=body,
            media_sha256=_media(items, emergency),
            created_at=timezone.now(),
            created_by_label="[tests]",
        )


def start_banner(device: Device, heading: str, body: str = "") -> EmergencyBroadcast:
    broadcast = EmergencyBroadcast.objects.create(
        unit=device.unit, title=heading, item={}, started_at=timezone.now(), started_by="[tests]"
    )
    broadcast.item = {
        "id": broadcast.protocol_id,
        "title": heading,
        "duration_ms": 0,
        "banner": {"heading": heading, "body": body},
    }
    broadcast.save(update_fields=["item"])
    broadcast.devices.set([device])
    store_manifest(device)
    return broadcast


def stop_banner(broadcast: EmergencyBroadcast, device: Device) -> None:
    broadcast.stopped_at = timezone.now()
    broadcast.stopped_by = "[tests]"
    broadcast.save(update_fields=["stopped_at", "stopped_by"])
    store_manifest(device)


def png_bytes(width: int, height: int, stripes: bool = True) -> bytes:
    """An RGB PNG: coloured stripes (or one colour)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            band = (x * 4 // max(1, width)) if stripes else 0
            row += bytes(((40 + 60 * band) % 256, (200 - 40 * band) % 256, (90 + y) % 256))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def raw_blob(data: bytes, *, mime: str, extension: str, kind: str) -> MediaBlob:
    """A MediaBlob written directly (the upload checks would refuse some of these on purpose)."""
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    blob = MediaBlob(sha256=sha, kind=kind, mime_type=mime, extension=extension, size=len(data))
    blob.file.save(f"content/{sha[:2]}/{sha}.{extension}", ContentFile(data), save=False)
    blob.save()
    return blob


def media(blob: MediaBlob) -> dict[str, Any]:
    return media_ref(blob)


def soon(seconds: float) -> datetime:
    """A whole-second instant ``seconds`` from now (slides computed from it are easy to read)."""
    moment = timezone.now() + timedelta(seconds=seconds)
    return moment.replace(microsecond=0)
