"""Manifests: a new version when what a device must play changes, announced by a signed command.

Speaker clusters get timed media/stream items (:func:`set_manifest`, called by the radio compilation);
e-boards get windows of slides (:func:`set_board_manifest`, called by the boards compilation). Both
carry the device's active emergency (for an e-board, a banner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from nguon.content.models import MediaBlob
from nguon.core import access, audit
from nguon.devices.choices import CommandType
from nguon.devices.models import Device, DeviceManifest, EmergencyBroadcast
from nguon.devices.protocol.manifests import MAX_ITEMS, build_manifest, manifest_etag, ordered
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.protocol.validation import MessageInvalidError, validate
from nguon.devices.services.actors import actor_label
from nguon.devices.services.commands import send_command

ITEM_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MEDIA_PATH = "/api/v1/devices/me/media/{sha256}"


@dataclass(frozen=True)
class ManifestItem:
    """One thing to play at an absolute time: a stored media file (``blob``) or a stream to relay for
    ``duration_seconds`` (``stream_url``, e.g. the provincial radio channel); exactly one of the two."""

    item_id: str
    blob: MediaBlob | None = None
    start: datetime | None = None
    start_until: datetime | None = None
    title: str = ""
    volume: int | None = None
    source_type: str = ""
    source_id: str = ""
    stream_url: str = ""
    stream_mime: str = ""
    duration_seconds: float | None = None  # a stream's relay length (a media item's comes from its blob)


def media_ref(blob: MediaBlob) -> dict[str, Any]:
    return {
        "sha256": blob.sha256,
        "size": blob.size,
        "mime": blob.mime_type,
        "url": MEDIA_PATH.format(sha256=blob.sha256),
    }


def playable_item(
    blob: MediaBlob, *, item_id: str, title: str = "", volume: int | None = None
) -> dict[str, Any]:
    """The protocol's ``item``: used in manifests and in play-now / emergency-start commands."""
    item: dict[str, Any] = {
        "id": item_id,
        "title": title[:300],
        "media": media_ref(blob),
        "duration_ms": round((blob.duration_seconds or 0) * 1000),
    }
    if volume is not None:
        item["volume"] = volume
    return item


def check_stream_url(url: str) -> str:
    """A stream URL devices may open: absolute http(s), a host, no user name or password, no spaces.
    Returns it stripped; raises ``ValidationError`` (in Vietnamese) otherwise."""
    url = url.strip()
    if not url:
        raise ValidationError({"stream_url": "Cần địa chỉ luồng phát."})
    if len(url) > 500 or any(c.isspace() for c in url):
        raise ValidationError({"stream_url": "Địa chỉ luồng phát quá dài hoặc có khoảng trắng."})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        raise ValidationError({"stream_url": "Địa chỉ luồng phát không hợp lệ."}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"stream_url": "Luồng phát phải là địa chỉ http:// hoặc https://."})
    if "@" in parts.netloc:
        raise ValidationError(
            {"stream_url": "Địa chỉ luồng phát không được chứa tên đăng nhập hoặc mật khẩu."}
        )
    return url


def stream_item(
    url: str,
    *,
    item_id: str,
    duration_seconds: float = 0,
    title: str = "",
    volume: int | None = None,
    mime: str = "",
) -> dict[str, Any]:
    """The protocol's ``item`` for a stream: relay ``url`` for ``duration_seconds`` (0: until stopped)."""
    stream: dict[str, Any] = {"url": check_stream_url(url)}
    if mime:
        stream["mime"] = mime[:100]
    item: dict[str, Any] = {
        "id": item_id,
        "title": title[:300],
        "stream": stream,
        "duration_ms": max(0, round(duration_seconds * 1000)),
    }
    if volume is not None:
        item["volume"] = volume
    return item


def _item(entry: ManifestItem) -> dict[str, Any]:
    if not ITEM_ID.match(entry.item_id):
        raise ValidationError({"items": f"Mã mục không hợp lệ: {entry.item_id!r}."})
    if entry.start is None:
        raise ValidationError({"items": f"{entry.item_id}: thiếu giờ phát."})
    if entry.start_until is not None and entry.start_until < entry.start:
        raise ValidationError({"items": f"{entry.item_id}: thời hạn bắt đầu trước giờ phát."})
    if entry.volume is not None and not 0 <= entry.volume <= 100:
        raise ValidationError({"items": f"{entry.item_id}: âm lượng phải từ 0 đến 100."})
    if (entry.blob is None) == (not entry.stream_url):
        raise ValidationError(
            {"items": f"{entry.item_id}: cần đúng một trong hai: tệp âm thanh hoặc luồng phát."}
        )
    if entry.blob is not None:
        item = playable_item(entry.blob, item_id=entry.item_id, title=entry.title, volume=entry.volume)
    else:
        if not entry.duration_seconds or entry.duration_seconds <= 0:
            raise ValidationError({"items": f"{entry.item_id}: tiếp sóng cần thời lượng lớn hơn 0."})
        try:
            item = stream_item(
                entry.stream_url,
                item_id=entry.item_id,
                duration_seconds=entry.duration_seconds,
                title=entry.title,
                volume=entry.volume,
                mime=entry.stream_mime,
            )
        except ValidationError as error:
            raise ValidationError({"items": f"{entry.item_id}: {' '.join(error.messages)}"}) from None
    item["start"] = format_ts(entry.start)
    if entry.start_until is not None:
        item["start_until"] = format_ts(entry.start_until)
    if entry.source_type:
        item["source"] = {"type": entry.source_type[:32], "id": entry.source_id[:64]}
    return item


def get_current_manifest(device: Device) -> DeviceManifest | None:
    return DeviceManifest.objects.filter(device=device).order_by("-version").first()


def emergency_block(device: Device) -> dict[str, Any] | None:
    """The manifest's ``emergency``: the device's newest active emergency broadcast, or None."""
    broadcast = (
        EmergencyBroadcast.objects.filter(devices=device, stopped_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    return _block(broadcast) if broadcast is not None else None


def _block(broadcast: EmergencyBroadcast) -> dict[str, Any]:
    return {
        "id": broadcast.protocol_id,
        "item": broadcast.item,
        "repeat": broadcast.repeat,
        "since": format_ts(broadcast.started_at),
    }


def item_media(items: list[dict[str, Any]]) -> list[str]:
    """The media hashes the items use: a speaker item's file, an e-board slide's image/video and the
    side panel's image."""
    found: list[str] = []
    for item in items:
        if "media" in item:
            found.append(item["media"]["sha256"])
        for slide in item.get("slides", ()):
            if "media" in slide:
                found.append(slide["media"]["sha256"])
            side = slide.get("side") or {}
            if "media" in side:
                found.append(side["media"]["sha256"])
    return found


def _next_version(
    device: Device,
    current: DeviceManifest | None,
    items: list[dict[str, Any]],
    emergency: dict[str, Any] | None,
    *,
    label: str,
) -> DeviceManifest:
    """The unsaved next version of ``device``'s manifest (after ``current``) with these items and emergency."""
    now = timezone.now()
    version = current.version + 1 if current is not None else 1
    body = build_manifest(
        device=device.device_id,
        version=version,
        mode=device.mode,
        items=items,
        generated_at=now,
        emergency=emergency,
    )
    media = set(item_media(items))  # streams have no media
    if emergency is not None and "media" in emergency["item"]:  # an e-board banner has none
        media.add(emergency["item"]["media"]["sha256"])
    return DeviceManifest(
        device=device,
        version=version,
        etag=manifest_etag(body),
        body=body,
        media_sha256=sorted(media),
        created_at=now,
        created_by_label=label,
    )


def _write(
    *, actor: Any, device: Device, items: list[dict[str, Any]], notify: bool, action: str
) -> DeviceManifest:
    """A new manifest version when the items or the emergency changed."""
    with transaction.atomic():
        Device.objects.select_for_update().filter(pk=device.pk).first()
        current = get_current_manifest(device)
        emergency = emergency_block(device)
        if (
            current is not None
            and current.body["items"] == ordered(items)
            and current.body.get("emergency") == emergency
        ):
            return current
        manifest = _next_version(device, current, items, emergency, label=actor_label(actor))
        manifest.save()
        version = manifest.version
        audit.record(
            actor=actor,
            action=action,
            target=device,
            unit=device.unit,
            after={
                "version": version,
                "etag": manifest.etag,
                "items": [i["id"] for i in items],
                "emergency": emergency["id"] if emergency else None,
            },
        )
        if notify:
            send_command(
                actor=access.SystemActor("manifests"),
                device=device,
                type=CommandType.MANIFEST_CHANGED,
                body={"version": version, "etag": manifest.etag},
            )
    return manifest


def set_manifest(
    *, actor: Any, device: Device, items: list[ManifestItem], notify: bool = True
) -> DeviceManifest:
    """Make ``items`` the device's manifest. Unchanged items keep the current version (no command);
    otherwise a new version is stored and, with ``notify``, a signed ``manifest-changed`` is sent."""
    if not access.can(actor, access.BROADCAST_OPERATE, unit=device.unit):
        access.require(actor, access.DEVICES_MANAGE, unit=device.unit)
    built = [_item(entry) for entry in items]
    if len({item["id"] for item in built}) != len(built):
        raise ValidationError({"items": "Mã mục bị trùng."})
    return _write(actor=actor, device=device, items=built, notify=notify, action="devices.manifest.set")


def set_board_manifest(
    *, actor: Any, device: Device, windows: list[dict[str, Any]], notify: bool = True
) -> DeviceManifest:
    """Make ``windows`` (e-board items with ``slides``, already in the protocol's form: see docs/boards.md)
    the e-board's manifest. Checked against the manifest schema before anything is written; unchanged
    windows keep the current version (no command), otherwise a new version and, with ``notify``, a signed
    ``manifest-changed``. Speaker manifests are untouched by this function."""
    if not access.can(actor, access.BOARDS_MANAGE, unit=device.unit):
        access.require(actor, access.DEVICES_MANAGE, unit=device.unit)
    if device.mode != "eboard":
        raise ValidationError({"device": "Chỉ bảng tin điện tử mới có lịch dạng trang chiếu."})
    if len(windows) > MAX_ITEMS:
        raise ValidationError({"items": f"Quá {MAX_ITEMS} khung giờ trong một lịch phát."})
    ids = [w.get("id") for w in windows] + [s.get("id") for w in windows for s in w.get("slides", ())]
    if len(set(ids)) != len(ids):
        raise ValidationError({"items": "Mã khung giờ hoặc mã trang bị trùng."})
    for window in windows:
        if not window.get("slides"):
            raise ValidationError({"items": f"{window.get('id')}: khung giờ không có trang nào."})
    probe = build_manifest(
        device=device.device_id,
        version=1,
        mode="eboard",
        items=windows,
        generated_at=timezone.now(),
        emergency=None,
    )
    try:
        validate("manifest", {**probe, "sig": "-"})
    except MessageInvalidError as error:
        raise ValidationError({"items": f"Lịch phát không hợp lệ ({error})."}) from None
    return _write(actor=actor, device=device, items=windows, notify=notify, action="devices.manifest.set")


def _emergency_blocks(devices: list[Device]) -> dict[int, dict[str, Any]]:
    """Device pk → the ``emergency`` of its newest active broadcast (devices with none are absent)."""
    through = EmergencyBroadcast.devices.through
    blocks: dict[int, dict[str, Any]] = {}
    rows = (
        through.objects.filter(device__in=devices, emergencybroadcast__stopped_at__isnull=True)
        .select_related("emergencybroadcast")
        .order_by("-emergencybroadcast__started_at", "-emergencybroadcast__pk")
    )
    for row in rows:
        blocks.setdefault(row.device_id, _block(row.emergencybroadcast))
    return blocks


def refresh_emergencies(*, actor: Any, devices: list[Device], broadcast: EmergencyBroadcast) -> int:
    """Put the current emergency state into the manifests of ``devices`` when an emergency starts or stops
    (no ``manifest-changed``: the emergency services command the connected devices themselves). The
    devices are locked together, their current manifests read in one query and the new versions written
    in one insert, with one audit event naming the broadcast and the device count. Returns how many new
    versions were written. (Per device this took ~10 ms, so a province-wide emergency waited seconds
    before its commands left; now the commands go out right after.)"""
    if not devices:
        return 0
    with transaction.atomic():
        ids = [d.pk for d in devices]
        list(Device.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        latest = Subquery(
            DeviceManifest.objects.filter(device=OuterRef("device"))
            .order_by("-version")
            .values("version")[:1]
        )
        current = {m.device_id: m for m in DeviceManifest.objects.filter(device__in=ids, version=latest)}
        blocks = _emergency_blocks(devices)
        label = actor_label(actor)
        fresh = []
        for device in devices:
            old = current.get(device.pk)
            emergency = blocks.get(device.pk)
            if old is not None and old.body.get("emergency") == emergency:
                continue
            items = list(old.body["items"]) if old is not None else []
            fresh.append(_next_version(device, old, items, emergency, label=label))
        DeviceManifest.objects.bulk_create(fresh, batch_size=500)
        audit.record(
            actor=actor,
            action="devices.manifest.emergency",
            target=broadcast,
            unit=broadcast.unit,
            after={
                "emergency": broadcast.protocol_id,
                "active": broadcast.stopped_at is None,
                "new_versions": len(fresh),
                "devices": [d.device_id for d in devices][:5000],
            },
        )
    return len(fresh)
