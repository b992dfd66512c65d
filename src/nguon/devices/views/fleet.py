"""Screens: the fleet list (filters, the three status facts per device) and one device's detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from nguon.core import access
from nguon.core.text import fold
from nguon.devices.forms import FleetFilterForm, PowerForm, RebootForm, VolumeForm
from nguon.devices.models import Device, DeviceAlert, DeviceManifest
from nguon.devices.selectors.monitoring import inventory, uptime
from nguon.devices.selectors.registry import get_device, list_devices
from nguon.devices.selectors.status import FRESHNESS_GRACE, DeviceStatus, device_status
from nguon.units.models import AdministrativeUnit

PAGE_SIZE = 50


@dataclass(frozen=True)
class Row:
    device: Device
    status: DeviceStatus

    @property
    def volume(self) -> Any:
        state = getattr(self.device, "state", None)
        heartbeat = (state.heartbeat if state is not None else None) or {}
        return heartbeat.get("volume")


def statuses(devices: list[Device], now: datetime) -> list[Row]:
    """The status of many devices, their current manifests read in one query."""
    latest = (
        DeviceManifest.objects.filter(device=OuterRef("device")).order_by("-version").values("version")[:1]
    )
    manifests = {
        m.device_id: m
        for m in DeviceManifest.objects.filter(device__in=[d.pk for d in devices], version=Subquery(latest))
    }
    return [Row(d, device_status(d, now=now, manifest=manifests.get(d.pk))) for d in devices]


def require_view(request: HttpRequest) -> None:
    if not access.has_action(request.user, access.DEVICES_VIEW):
        raise Http404


def fresh_since(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.NGUON_DEVICE_HEARTBEAT_SECONDS) - FRESHNESS_GRACE


def communes_of(devices: QuerySet[Device]) -> list[tuple[int, str]]:
    """The communes that hold at least one of ``devices``, for the filter."""
    units = AdministrativeUnit.objects.filter(pk__in=devices.values("unit_id"))
    return sorted(((unit.pk, unit.name) for unit in units), key=lambda pair: fold(pair[1]))


def filter_by_status(devices: QuerySet[Device], status: str, now: datetime) -> QuerySet[Device]:
    """Narrow by a status fact in the database; ``healthy``/``unhealthy`` are finished in Python."""
    since = fresh_since(now)
    reported = Q(state__online_changed_at__isnull=False)
    if status == "connected":
        return devices.filter(reported, state__is_online=True)
    if status == "disconnected":
        return devices.filter(reported, state__is_online=False)
    if status in ("fresh", "healthy", "unhealthy"):
        return devices.filter(state__last_heartbeat_at__gte=since)
    if status == "stale":
        return devices.exclude(state__last_heartbeat_at__gte=since)
    if status == "never":
        return devices.filter(
            Q(state__isnull=True)
            | Q(state__last_heartbeat_at__isnull=True, state__online_changed_at__isnull=True)
        )
    return devices


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    now = timezone.now()
    visible = list_devices(user=request.user).filter(retired_on__isnull=True)
    form = FleetFilterForm(request.GET or None, communes=communes_of(visible))
    devices = visible.select_related("state")
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["commune"]:
            devices = devices.filter(unit_id=data["commune"])
        if data["kind"]:
            devices = devices.filter(kind=data["kind"])
        if data["q"]:
            text = data["q"].strip()
            devices = devices.filter(
                Q(device_id__icontains=text) | Q(name__icontains=text) | Q(serial__icontains=text)
            )
        status = data["status"]
        devices = filter_by_status(devices, status, now)
    page: Page[Any]
    if status in ("healthy", "unhealthy"):
        want = status == "healthy"
        rows = [row for row in statuses(list(devices), now) if row.status.healthy is want]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = cast(Any, statuses(list(page.object_list), now))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "devices/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "total": visible.count(),
            "inventory": inventory(user=request.user),
        },
    )


@login_required
def detail_view(request: HttpRequest, device_id: str) -> HttpResponse:
    require_view(request)
    device = get_device(user=request.user, device_id=device_id)
    now = timezone.now()
    status = device_status(device, now=now)
    can_manage = access.can(request.user, access.DEVICES_MANAGE, unit=device.unit)
    return render(request, "devices/detail.html", detail_context(device, status, now, can_manage))


def detail_context(device: Device, status: DeviceStatus, now: datetime, can_manage: bool) -> dict[str, Any]:
    state = getattr(device, "state", None)
    heartbeat = (state.heartbeat if state is not None else None) or {}
    return {
        "device": device,
        "status": status,
        "heartbeat": heartbeat,
        "uptime_day": uptime(device, start=now - timedelta(days=1), end=now),
        "uptime_week": uptime(device, start=now - timedelta(days=7), end=now),
        "samples": device.heartbeat_samples.order_by("-bucket_start")[:12],
        "receipts": device.receipts.order_by("-received_at")[:15],
        "events": device.events.order_by("-received_at")[:20],
        "commands": device.commands.select_related("issued_by").order_by("-signed_at", "-seq")[:20],
        "alerts": DeviceAlert.objects.filter(device=device, opened_at__isnull=False).order_by("-opened_at")[
            :10
        ],
        "can_manage": can_manage,
        "volume_form": VolumeForm(initial={"level": heartbeat.get("volume", 70)}, auto_id="volume_%s"),
        "power_form": PowerForm(auto_id="power_%s"),
        "reboot_form": RebootForm(auto_id="reboot_%s"),
    }


urlpatterns: list[URLPattern] = [
    path("", list_view, name="list"),
    path("<str:device_id>/", detail_view, name="detail"),
]
