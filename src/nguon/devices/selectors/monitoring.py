"""Fleet monitoring reads: uptime from the heartbeat history, firmware and protocol inventory, alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from nguon.core import access
from nguon.devices.models import Device, DeviceAlert, HeartbeatSample


def uptime(device: Device, *, start: datetime, end: datetime) -> float:
    """Share (0–1) of the 10-minute buckets in [start, end) in which the device sent a heartbeat."""
    size = HeartbeatSample.BUCKET_SECONDS
    first = int(start.timestamp()) // size
    last = (int(end.timestamp()) - 1) // size
    total = max(0, last - first + 1)
    if total == 0:
        return 0.0
    seen = HeartbeatSample.objects.filter(
        device=device, bucket_start__gte=start, bucket_start__lt=end
    ).count()
    return min(1.0, seen / total)


@dataclass(frozen=True)
class UnitUptime:
    devices: int
    average: float
    per_device: dict[str, float]


def unit_uptime(*, user: Any, unit_path: str, start: datetime, end: datetime) -> UnitUptime:
    """Uptime of every device the user may see under ``unit_path`` (a commune, or the province)."""
    devices = access.scope(user, Device.objects.filter(unit__path__startswith=unit_path), access.DEVICES_VIEW)
    per_device = {d.device_id: uptime(d, start=start, end=end) for d in devices}
    average = sum(per_device.values()) / len(per_device) if per_device else 0.0
    return UnitUptime(len(per_device), average, per_device)


def inventory(*, user: Any) -> list[dict[str, Any]]:
    """How many devices run each (firmware, protocol level), as last reported; never-reported ones too."""
    devices = access.scope(user, Device.objects.filter(retired_on__isnull=True), access.DEVICES_VIEW)
    rows = (
        devices.values("firmware", "protocol_level")
        .annotate(count=Count("id"))
        .order_by("firmware", "protocol_level")
    )
    return list(rows)


def list_alerts(*, user: Any, live_only: bool = True) -> QuerySet[DeviceAlert]:
    alerts = DeviceAlert.objects.select_related("device", "device__unit").filter(opened_at__isnull=False)
    if live_only:
        alerts = alerts.filter(closed_at__isnull=True)
    return access.scope(user, alerts, access.DEVICES_VIEW).order_by("-opened_at")
