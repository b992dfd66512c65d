"""Screenshots of e-boards: a person asks, the board's web player answers with a PNG of its screen.

The request reaches the player as a ``screenshot`` event on its event stream (``api/device_web.py``); the
upload is checked by content (a PNG, within :data:`MAX_SCREENSHOT_BYTES`) and stored as a ``MediaBlob``.
"""

from __future__ import annotations

import struct
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from nguon.content.files import RejectedFileError
from nguon.content.services.attachments import stored_blob
from nguon.core import access, audit
from nguon.devices.models import Device, ScreenshotRequest
from nguon.devices.services.actors import actor_user

MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024
#: A request older than this is no longer sent to the board (it was offline; ask again).
REQUEST_VALID_FOR = timedelta(minutes=10)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 8192


def can_request(actor: Any, device: Device) -> bool:
    return access.can(actor, access.BOARDS_MANAGE, unit=device.unit) or access.can(
        actor, access.DEVICES_MANAGE, unit=device.unit
    )


def request_screenshot(*, actor: Any, device: Device) -> ScreenshotRequest:
    """Ask ``device`` (an e-board) for a screenshot; the player uploads it when its stream tells it."""
    if not can_request(actor, device):
        access.require(actor, access.BOARDS_MANAGE, unit=device.unit)
    if device.mode != "eboard":
        raise ValidationError({"device": "Chỉ chụp được màn hình của bảng điện tử."})
    if device.retired_on is not None:
        raise ValidationError({"device": "Thiết bị đã thu hồi."})
    with transaction.atomic():
        request = ScreenshotRequest.objects.create(
            device=device, requested_by=actor_user(actor), requested_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="devices.screenshot.request",
            target=device,
            unit=device.unit,
            after={"request": request.pk},
        )
    return request


def pending_request(device: Device) -> ScreenshotRequest | None:
    """The oldest request of ``device`` still waiting for a picture (and not too old to answer)."""
    return (
        ScreenshotRequest.objects.filter(
            device=device,
            fulfilled_at__isnull=True,
            requested_at__gte=timezone.now() - REQUEST_VALID_FOR,
        )
        .order_by("requested_at")
        .first()
    )


def check_png(data: bytes) -> tuple[int, int]:
    """``(width, height)`` of a PNG, checked by its bytes; ``ValidationError`` (Vietnamese) otherwise."""
    if len(data) > MAX_SCREENSHOT_BYTES:
        raise ValidationError(
            {"file": f"Ảnh chụp quá lớn (tối đa {MAX_SCREENSHOT_BYTES // (1024 * 1024)} MB)."},
            code="too_large",
        )
    if len(data) < 33 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValidationError({"file": "Ảnh chụp phải là tệp PNG."}, code="not_png")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValidationError({"file": "Kích thước ảnh chụp không hợp lệ."}, code="not_png")
    if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        raise ValidationError({"file": "Tệp PNG không trọn vẹn."}, code="not_png")
    return width, height


def store_screenshot(*, device: Device, data: bytes, request_id: int | None = None) -> ScreenshotRequest:
    """Fill the device's pending request (``request_id`` or the oldest) with the PNG ``data``."""
    width, height = check_png(data)
    requests = ScreenshotRequest.objects.select_for_update().filter(device=device, fulfilled_at__isnull=True)
    with transaction.atomic():
        request = (
            requests.filter(pk=request_id).first()
            if request_id is not None
            else requests.order_by("requested_at").first()
        )
        if request is None:
            raise ValidationError(
                {"request": "Không có yêu cầu chụp màn hình nào đang chờ."}, code="no_request"
            )
        upload = SimpleUploadedFile(f"{device.device_id}.png", data, content_type="image/png")
        try:
            with stored_blob(upload, allowed_kinds=frozenset({"image"})) as blob:
                request.blob = blob
        except RejectedFileError as error:
            raise ValidationError({"file": error.message}, code="not_png") from None
        request.fulfilled_at = timezone.now()
        request.save(update_fields=["blob", "fulfilled_at"])
        audit.record(
            actor=access.SystemActor(f"device:{device.device_id}"),
            action="devices.screenshot.upload",
            target=device,
            unit=device.unit,
            after={"request": request.pk, "sha256": blob.sha256, "width": width, "height": height},
        )
    return request


def latest_screenshot(device: Device) -> ScreenshotRequest | None:
    return (
        ScreenshotRequest.objects.filter(device=device, fulfilled_at__isnull=False)
        .select_related("blob")
        .order_by("-fulfilled_at")
        .first()
    )
