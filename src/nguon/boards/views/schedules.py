"""Screens: schedules — which playlist plays on which days, between which hours and dates, with which
priority, on every board of the commune or on chosen boards and groups; create, edit, enable/disable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.boards.forms import WEEKDAYS, ScheduleForm, set_choices
from nguon.boards.models import BoardSchedule, Playlist
from nguon.boards.services import schedules as schedule_services
from nguon.boards.views.calendar import local_today
from nguon.boards.views.common import (
    ACTION,
    add_service_errors,
    commune_choices,
    error_text,
    managed_communes,
    pick_commune,
    require_manage,
)
from nguon.core import access
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, DeviceGroup
from nguon.units.models import AdministrativeUnit

_DAY_NAMES = dict(WEEKDAYS)


def scoped_schedules(user: Any) -> QuerySet[BoardSchedule]:
    return access.scope(user, BoardSchedule.objects.select_related("unit", "playlist"), ACTION)


def get_schedule(user: Any, pk: int) -> BoardSchedule:
    return access.get_scoped_or_404(
        user, BoardSchedule.objects.select_related("unit", "playlist"), ACTION, pk=pk
    )


def weekday_label(weekdays: list[int]) -> str:
    if sorted(weekdays) == list(range(1, 8)):
        return _("Hằng ngày")
    return ", ".join(str(_DAY_NAMES[d]) for d in sorted(weekdays) if d in _DAY_NAMES)


def _targets(unit: AdministrativeUnit) -> tuple[list[Device], list[DeviceGroup]]:
    devices = list(
        Device.objects.filter(unit=unit, kind=DeviceKind.EBOARD, retired_on__isnull=True).order_by(
            "device_id"
        )
    )
    groups = list(DeviceGroup.objects.filter(unit=unit).order_by("name"))
    return devices, groups


def _prepare(
    form: ScheduleForm, units: list[AdministrativeUnit], unit: AdministrativeUnit
) -> tuple[Any, Any]:
    set_choices(form, "unit", commune_choices(units))
    playlists = list(
        Playlist.objects.filter(unit__path__in=access.path_prefixes(unit.path)).order_by("unit__path", "name")
    )
    set_choices(form, "playlist", [("", _("— chọn danh sách —"))] + [(str(p.pk), p.name) for p in playlists])
    devices, groups = _targets(unit)
    set_choices(
        form, "devices", [(d.device_id, f"{d.name or d.device_id} ({d.resolution or '?'})") for d in devices]
    )
    set_choices(form, "groups", [(str(g.pk), g.name) for g in groups])
    return playlists, (devices, groups)


def _values(form: ScheduleForm, playlists: list[Playlist], targets: Any) -> dict[str, Any]:
    data = form.cleaned_data
    devices, groups = targets
    chosen_devices = [d for d in devices if d.device_id in set(data["devices"])]
    chosen_groups = [g for g in groups if str(g.pk) in set(data["groups"])]
    return {
        "name": data["name"],
        "playlist": next(p for p in playlists if str(p.pk) == data["playlist"]),
        "weekdays": sorted(data["weekdays"]),
        "start_time": data["start_time"],
        "end_time": data["end_time"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "priority": data["priority"],
        "all_boards": data["all_boards"],
        "devices": [] if data["all_boards"] else chosen_devices,
        "groups": [] if data["all_boards"] else chosen_groups,
        "enabled": data["enabled"],
    }


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    schedules = scoped_schedules(request.user)
    unit = pick_commune(communes, request.GET.get("unit"))
    if unit is not None:
        schedules = schedules.filter(unit=unit)
    rows = [(s, weekday_label(s.weekdays)) for s in schedules.prefetch_related("devices", "groups")[:300]]
    return render(request, "boards/schedules.html", {"rows": rows, "communes": communes, "unit": unit})


@login_required
def schedule_new(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    if not communes:
        raise Http404
    unit = pick_commune(communes, request.POST.get("unit") or request.GET.get("unit")) or communes[0]
    form = ScheduleForm(request.POST or None, initial={"unit": str(unit.pk), "start_date": local_today()})
    playlists, targets = _prepare(form, communes, unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = schedule_services.create_schedule(
                actor=request.user, unit=unit, **_values(form, playlists, targets)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu lịch «%(name)s».") % {"name": saved.name})
            return redirect("boards:schedule-edit", pk=saved.pk)
    return render(request, "boards/schedule_form.html", {"form": form, "schedule": None, "unit": unit})


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    schedule = get_schedule(request.user, pk)
    initial = {
        "unit": str(schedule.unit_id),
        "name": schedule.name,
        "playlist": str(schedule.playlist_id),
        "weekdays": schedule.weekdays,
        "start_time": schedule.start_time,
        "end_time": schedule.end_time,
        "start_date": schedule.start_date,
        "end_date": schedule.end_date,
        "priority": schedule.priority,
        "all_boards": "1" if schedule.all_boards else "0",
        "devices": [d.device_id for d in schedule.devices.all()],
        "groups": [str(g.pk) for g in schedule.groups.all()],
        "enabled": schedule.enabled,
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    playlists, targets = _prepare(form, [schedule.unit], schedule.unit)
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.update_schedule(
                actor=request.user, schedule=schedule, **_values(form, playlists, targets)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu lịch «%(name)s».") % {"name": form.cleaned_data["name"]})
            return redirect("boards:schedule-edit", pk=schedule.pk)
    return render(
        request, "boards/schedule_form.html", {"form": form, "schedule": schedule, "unit": schedule.unit}
    )


@login_required
@require_POST
def schedule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    schedule = get_schedule(request.user, pk)
    enabled = request.POST.get("enabled") == "1"
    try:
        schedule_services.set_enabled(actor=request.user, schedule=schedule, enabled=enabled)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            (_("Đã bật lịch «%(name)s».") if enabled else _("Đã tắt lịch «%(name)s»."))
            % {"name": schedule.name},
        )
    if request.POST.get("back") == "edit":
        return redirect("boards:schedule-edit", pk=schedule.pk)
    return redirect("boards:schedules")


urlpatterns: list[URLPattern] = [
    path("schedules/", schedule_list, name="schedules"),
    path("schedules/new/", schedule_new, name="schedule-new"),
    path("schedules/<int:pk>/", schedule_edit, name="schedule-edit"),
    path("schedules/<int:pk>/toggle", schedule_toggle, name="schedule-toggle"),
]
