"""A device's status as three derived facts (never a stored flag):

* **connected** — its broker session is up: the last ``status`` message (or last will) said online;
  unknown (None) until the device has ever reported;
* **fresh** — its last heartbeat arrived within its interval (plus a grace);
* **healthy** — it plays what its manifest says: the heartbeat reports the current manifest version and
  the item the manifest schedules at that moment (an emergency or play-now item counts as healthy);
  unknown (None) when the device is not fresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from nguon.devices.models import Device, DeviceManifest, DeviceState
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.selectors.registry import get_current_manifest

FRESHNESS_GRACE = timedelta(seconds=30)
#: Firmware of the e-board web player (``/boards/player/``), which sends heartbeats over HTTPS.
WEB_PLAYER_FIRMWARE = "web-player/"


@dataclass(frozen=True)
class DeviceStatus:
    connected: bool | None
    fresh: bool
    healthy: bool | None
    last_heartbeat_at: datetime | None
    reported_manifest_version: int | None
    current_manifest_version: int | None
    playing_item: str | None
    expected_item: str | None
    problems: list[str] = field(default_factory=list)


def expected_item(manifest: DeviceManifest | None, at: datetime) -> str | None:
    """The item the manifest has playing at ``at`` (started at or before it, not yet over)."""
    if manifest is None:
        return None
    current = None
    for item in manifest.body["items"]:
        start = parse_ts(item["start"])
        end = start + timedelta(milliseconds=item["duration_ms"])
        if start <= at < end:
            current = item["id"]
    return current


def _state(device: Device) -> DeviceState | None:
    # Read afresh: a reverse one-to-one caches "missing" on the instance.
    return DeviceState.objects.filter(device_id=device.pk).first()


def device_status(
    device: Device, *, now: datetime | None = None, manifest: DeviceManifest | Any | None = ...
) -> DeviceStatus:
    now = now or timezone.now()
    state = _state(device)
    current = get_current_manifest(device=device) if manifest is ... else manifest
    current_version = current.version if current is not None else None
    heartbeat: dict[str, Any] = (state.heartbeat if state is not None else None) or {}
    last = state.last_heartbeat_at if state is not None else None
    interval = timedelta(seconds=settings.NGUON_DEVICE_HEARTBEAT_SECONDS)
    fresh = last is not None and now - last <= interval + FRESHNESS_GRACE
    connected = state.is_online if state is not None and state.online_changed_at is not None else None
    if str(heartbeat.get("firmware", "")).startswith(WEB_PLAYER_FIRMWARE):
        connected = fresh  # a web player has no broker session: it is connected while its HTTP heartbeats are
    playing = heartbeat.get("playing") or None
    playing_item = playing["item"] if playing else None
    at = parse_ts(heartbeat["ts"]) if heartbeat.get("ts") else now
    expected = expected_item(current, at)
    problems: list[str] = []
    healthy: bool | None = None
    if fresh:
        reported = heartbeat.get("manifest_version", 0)
        if (current_version or 0) != reported:
            problems.append(
                _("thiết bị báo lịch phiên bản %(reported)s, lịch hiện hành là phiên bản %(current)s")
                % {"reported": reported, "current": current_version or 0}
            )
        if heartbeat.get("emergency") or (playing and playing.get("emergency")):
            pass  # an emergency (playing or its silence after) takes precedence over the schedule
        elif playing_item != expected:
            problems.append(
                _("đang phát %(playing)s, theo lịch phải phát %(expected)s")
                % {"playing": playing_item or _("không có gì"), "expected": expected or _("không có gì")}
            )
        healthy = not problems
    return DeviceStatus(
        connected=connected,
        fresh=fresh,
        healthy=healthy,
        last_heartbeat_at=last,
        reported_manifest_version=heartbeat.get("manifest_version"),
        current_manifest_version=current_version,
        playing_item=playing_item,
        expected_item=expected,
        problems=problems,
    )
