"""Screens: the e-boards a person manages (status, what shows now, manifest version; filter by commune) and
one board's page (status, a preview at the board's exact pixel size, the next 7 days' calendar, the groups
and schedules that target it, the link to a live screenshot)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from nguon.boards.forms import CommuneFilterForm
from nguon.boards.models import BoardSchedule
from nguon.boards.views.calendar import board_calendar
from nguon.boards.views.common import ACTION, commune_choices, pick_commune, require_manage
from nguon.core import access
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, DeviceManifest
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.selectors.registry import get_current_manifest, get_device, list_devices
from nguon.devices.selectors.status import DeviceStatus, device_status
from nguon.units.models import AdministrativeUnit

#: The width (CSS pixels) of the preview frame on the board page. The player's preview page inside it draws
#: the screen at the board's exact pixel size and scales it (CSS transform) to fit this width.
PREVIEW_WIDTH = 680
#: Room in the frame above and below the screen: the preview page's bar (two lines at most) and padding.
PREVIEW_CHROME = 110
_RESOLUTION = re.compile(r"^\s*(\d{2,5})\s*[x×]\s*(\d{2,5})\s*$")


@dataclass(frozen=True)
class NowShowing:
    title: str
    slide: str
    source: str  # "board-schedule", "board-default", "emergency" or ""


@dataclass(frozen=True)
class BoardRow:
    device: Device
    status: DeviceStatus
    showing: NowShowing | None


def boards(user: Any) -> QuerySet[Device]:
    """The e-boards in service that ``user`` manages content for."""
    return list_devices(user=user, action=ACTION).filter(kind=DeviceKind.EBOARD, retired_on__isnull=True)


def get_board(user: Any, device_id: str) -> Device:
    board = get_device(user=user, device_id=device_id, action=ACTION)
    if board.kind != DeviceKind.EBOARD:
        raise Http404
    return board


def latest_manifests(devices: list[Device]) -> dict[int, DeviceManifest]:
    """Each device's current manifest (device pk → manifest), in one query."""
    latest = (
        DeviceManifest.objects.filter(device=OuterRef("device")).order_by("-version").values("version")[:1]
    )
    rows = DeviceManifest.objects.filter(device__in=[d.pk for d in devices], version=Subquery(latest))
    return {m.device_id: m for m in rows}


def now_showing(manifest: DeviceManifest | None, now: datetime) -> NowShowing | None:
    """What the manifest puts on screen at ``now``: the window and, by the timing rule, the slide."""
    if manifest is None:
        return None
    body = manifest.body
    emergency = body.get("emergency")
    if emergency:
        banner = (emergency.get("item") or {}).get("banner") or {}
        return NowShowing(banner.get("heading") or emergency["item"].get("title", ""), "", "emergency")
    for item in body.get("items", []):
        start = parse_ts(item["start"])
        if not start <= now < start + timedelta(milliseconds=item["duration_ms"]):
            continue
        slides = item.get("slides") or []
        slide = ""
        total = sum(s["duration_ms"] for s in slides)
        if total:
            offset = int((now - start).total_seconds() * 1000) % total
            for s in slides:
                if offset < s["duration_ms"]:
                    slide = s.get("heading") or s.get("kind", "")
                    break
                offset -= s["duration_ms"]
        return NowShowing(item.get("title", ""), slide, (item.get("source") or {}).get("type", ""))
    return None


def resolution(device: Device) -> tuple[int, int] | None:
    match = _RESOLUTION.match(device.resolution or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def preview_scale(width: int, frame_width: int = PREVIEW_WIDTH) -> float:
    """The scale the player's preview page applies at ``frame_width`` (its ``sizePreview``): small boards
    grow by a whole factor, large ones shrink to fit, never stretched unevenly."""
    room = max(200, frame_width - 40)
    if width < room / 2:
        return float(room // 2 // width or 1)
    return min(1.0, room / width)


def optional_url(name: str, device: Device) -> str | None:
    """A URL of the player's screens (preview, screenshot), or None while that screen does not exist."""
    try:
        return reverse(name, args=[device.device_id])
    except NoReverseMatch:
        return None


def targeting_schedules(user: Any, device: Device) -> QuerySet[BoardSchedule]:
    """Schedules that reach ``device``: all boards of its commune (or a unit above), it, or its groups."""
    reach = (
        Q(all_boards=True, unit__path__in=access.path_prefixes(device.unit.path))
        | Q(all_boards=False, devices=device)
        | Q(all_boards=False, groups__in=device.groups.all())
    )
    queryset = BoardSchedule.objects.filter(reach).select_related("playlist", "unit").distinct()
    return access.scope(user, queryset, ACTION).order_by("-enabled", "-priority", "start_time")


@login_required
def board_list(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    now = timezone.now()
    visible = boards(request.user)
    units = list(AdministrativeUnit.objects.filter(pk__in=visible.values("unit_id")).order_by("name"))
    form = CommuneFilterForm(request.GET or None, communes=commune_choices(units))
    chosen = visible
    if form.is_valid() and form.cleaned_data["commune"]:
        unit = pick_commune(units, form.cleaned_data["commune"])
        chosen = visible.filter(unit=unit) if unit is not None else visible.none()
    devices = list(chosen[:500])
    manifests = latest_manifests(devices)
    rows = [
        BoardRow(
            d, device_status(d, now=now, manifest=manifests.get(d.pk)), now_showing(manifests.get(d.pk), now)
        )
        for d in devices
    ]
    return render(
        request,
        "boards/list.html",
        {"form": form, "rows": rows, "total": visible.count(), "now": now},
    )


@login_required
def board_detail(request: HttpRequest, device_id: str) -> HttpResponse:
    require_manage(request)
    device = get_board(request.user, device_id)
    now = timezone.now()
    manifest = get_current_manifest(device=device)
    size = resolution(device)
    scale = preview_scale(size[0]) if size else 1.0
    context = {
        "device": device,
        "status": device_status(device, now=now, manifest=manifest),
        "manifest": manifest,
        "showing": now_showing(manifest, now),
        "size": size,
        "scale": f"{scale:.3g}",
        "frame_width": PREVIEW_WIDTH,
        "frame_height": round(size[1] * scale) + PREVIEW_CHROME if size else 0,
        "preview_url": optional_url("boards:player-preview", device),
        "screenshot_url": optional_url("boards:screenshot", device),
        "calendar": board_calendar(device, now=now, days=7),
        "groups": list(device.groups.order_by("name")),
        "schedules": list(targeting_schedules(request.user, device)),
    }
    return render(request, "boards/detail.html", context)


urlpatterns: list[URLPattern] = [
    path("", board_list, name="list"),
    path("board/<str:device_id>/", board_detail, name="board"),
]
