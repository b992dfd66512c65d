"""Screens: the fleet map — Leaflet (vendored), tiles only when ``NGUON_MAP_TILE_URL`` is set; the markers
(coloured by status) and the communes' names come from a JSON endpoint scoped to the person."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nguon.core.text import fold
from nguon.devices.selectors.registry import list_devices
from nguon.devices.selectors.status import DeviceStatus
from nguon.devices.views.fleet import require_view, statuses


def status_key(status: DeviceStatus) -> str:
    """One word for the marker's colour: the worst of the three facts."""
    if status.last_heartbeat_at is None and status.connected is None:
        return "never"
    if status.connected is False or not status.fresh:
        return "offline"
    if status.healthy is False:
        return "unhealthy"
    return "ok"


def map_data(user: Any) -> dict[str, Any]:
    now = timezone.now()
    devices = list_devices(user=user).filter(retired_on__isnull=True)
    markers: list[dict[str, Any]] = []
    communes: dict[int, dict[str, Any]] = {}
    unplaced = 0
    for row in statuses(list(devices), now):
        device, status = row.device, row.status
        commune = communes.setdefault(
            device.unit_id, {"name": device.unit.name, "count": 0, "ok": 0, "lat": [], "lng": []}
        )
        commune["count"] += 1
        key = status_key(status)
        commune["ok"] += key == "ok"
        if device.latitude is None or device.longitude is None:
            unplaced += 1
            continue
        lat, lng = float(device.latitude), float(device.longitude)
        commune["lat"].append(lat)
        commune["lng"].append(lng)
        markers.append(
            {
                "id": device.device_id,
                "name": device.name or device.device_id,
                "kind": device.get_kind_display(),
                "commune": device.unit.name,
                "lat": lat,
                "lng": lng,
                "status": key,
                "connected": status.connected,
                "fresh": status.fresh,
                "healthy": status.healthy,
                "url": reverse("devices:detail", args=[device.device_id]),
            }
        )
    units = [
        {
            "name": c["name"],
            "count": c["count"],
            "ok": c["ok"],
            "lat": sum(c["lat"]) / len(c["lat"]) if c["lat"] else None,
            "lng": sum(c["lng"]) / len(c["lng"]) if c["lng"] else None,
        }
        for c in sorted(communes.values(), key=lambda c: fold(c["name"]))
    ]
    return {"markers": markers, "communes": units, "unplaced": unplaced}


def marker_labels() -> dict[str, str]:
    return {
        "connected": _("Kết nối"),
        "fresh": _("Nhịp tim đúng hạn"),
        "healthy": _("Đúng lịch phát"),
        "yes": _("có"),
        "no": _("không"),
        "unknown": _("chưa rõ"),
        "devices": _("thiết bị"),
    }


@login_required
def map_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    data = map_data(request.user)
    return render(
        request,
        "devices/map.html",
        {"data": data, "labels": marker_labels(), "tile_url": settings.NGUON_MAP_TILE_URL},
    )


@login_required
def map_json_view(request: HttpRequest) -> JsonResponse:
    require_view(request)
    return JsonResponse(map_data(request.user))


urlpatterns: list[URLPattern] = [
    path("ban-do/", map_view, name="map"),
    path("ban-do.json", map_json_view, name="map_json"),
]
