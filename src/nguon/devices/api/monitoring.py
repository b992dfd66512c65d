"""Fleet monitoring over the API: live alerts, firmware/protocol inventory, uptime."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from nguon.core.schemas import ErrorOut
from nguon.devices.selectors import monitoring
from nguon.devices.selectors.registry import get_device

router = Router(tags=["devices"])


class AlertOut(Schema):
    device_id: str
    unit_code: str
    kind: str
    detail: str
    opened_at: datetime | None
    closed_at: datetime | None


class InventoryOut(Schema):
    firmware: str
    protocol_level: int | None
    count: int


class UptimeOut(Schema):
    device_id: str
    start: datetime
    end: datetime
    uptime: float


@router.get(
    "/alerts", response=list[AlertOut], summary="Open alerts (offline or unhealthy past the threshold)"
)
def alerts(request: HttpRequest, include_closed: bool = False) -> Any:
    rows = monitoring.list_alerts(user=request.user, live_only=not include_closed)[:500]
    return [
        {
            "device_id": a.device.device_id,
            "unit_code": a.device.unit.code,
            "kind": a.kind,
            "detail": a.detail,
            "opened_at": a.opened_at,
            "closed_at": a.closed_at,
        }
        for a in rows
    ]


@router.get("/inventory", response=list[InventoryOut], summary="Devices per firmware and protocol level")
def inventory(request: HttpRequest) -> Any:
    return monitoring.inventory(user=request.user)


@router.get(
    "/{device_id}/uptime", response={200: UptimeOut, 404: ErrorOut}, summary="Uptime over the last days"
)
def device_uptime(request: HttpRequest, device_id: str, days: int = 7) -> Any:
    device = get_device(user=request.user, device_id=device_id)
    end = timezone.now()
    start = end - timedelta(days=max(1, min(days, 366)))
    return {
        "device_id": device.device_id,
        "start": start,
        "end": end,
        "uptime": monitoring.uptime(device, start=start, end=end),
    }
