"""API of board schedules: ``/api/v1/boards/schedules`` — list (per commune), create, read, change
(including ``enabled``). Times are local (Asia/Ho_Chi_Minh); an end at or before the start runs past
midnight. Targets: ``all_boards``, or the listed boards (``device_ids``) and groups (``group_ids``) of
the schedule's commune."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from nguon.boards.models import BoardSchedule, Playlist
from nguon.boards.services import schedules as schedule_services
from nguon.boards.views.schedules import get_schedule, scoped_schedules
from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, DeviceGroup
from nguon.units.models import AdministrativeUnit

from .items import commune

router = Router()


class ScheduleIn(Schema):
    name: str
    playlist_id: int
    weekdays: list[int] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5, 6, 7], description="ISO 1 = Monday … 7"
    )
    start_time: time
    end_time: time
    start_date: date
    end_date: date | None = None
    priority: int = 10
    all_boards: bool = True
    device_ids: list[str] = Field(default_factory=list)
    group_ids: list[int] = Field(default_factory=list)
    enabled: bool = True


class ScheduleCreateIn(ScheduleIn):
    unit_code: str = Field(description="Official code of the commune.")


class ScheduleOut(Schema):
    id: int
    unit_code: str
    name: str
    playlist_id: int
    playlist_name: str
    weekdays: list[int]
    start_time: time
    end_time: time
    start_date: date
    end_date: date | None
    priority: int
    all_boards: bool
    device_ids: list[str]
    group_ids: list[int]
    enabled: bool


class ScheduleQuery(Schema):
    unit: str | None = Field(None, description="Official code of a commune.")


def schedule_out(s: BoardSchedule) -> dict[str, Any]:
    return {
        "id": s.pk,
        "unit_code": s.unit.code,
        "name": s.name,
        "playlist_id": s.playlist_id,
        "playlist_name": s.playlist.name,
        "weekdays": list(s.weekdays),
        "start_time": s.start_time,
        "end_time": s.end_time,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "priority": s.priority,
        "all_boards": s.all_boards,
        "device_ids": sorted(d.device_id for d in s.devices.all()),
        "group_ids": sorted(g.pk for g in s.groups.all()),
        "enabled": s.enabled,
    }


def _values(payload: ScheduleIn, unit: AdministrativeUnit) -> dict[str, Any]:
    errors: dict[str, str] = {}
    playlist = Playlist.objects.filter(
        unit__path__in=access.path_prefixes(unit.path), pk=payload.playlist_id
    ).first()
    if playlist is None:
        errors["playlist"] = "Danh sách phát không có hoặc thuộc địa bàn khác."
    devices = list(
        Device.objects.filter(
            unit=unit, kind=DeviceKind.EBOARD, retired_on__isnull=True, device_id__in=payload.device_ids
        )
    )
    if len(devices) != len(set(payload.device_ids)):
        errors["devices"] = "Có bảng tin không thuộc xã/phường này hoặc không phải bảng tin điện tử."
    groups = list(DeviceGroup.objects.filter(unit=unit, pk__in=payload.group_ids))
    if len(groups) != len(set(payload.group_ids)):
        errors["groups"] = "Có nhóm thiết bị không thuộc xã/phường này."
    if errors:
        raise ValidationError(errors)
    data = payload.model_dump(exclude={"unit_code", "playlist_id", "device_ids", "group_ids"})
    return data | {"playlist": playlist, "devices": devices, "groups": groups}


def _out(request: HttpRequest, pk: int) -> dict[str, Any]:
    return schedule_out(get_schedule(request.user, pk))


@router.get("/schedules", response={200: list[ScheduleOut], 404: ErrorOut}, summary="Board schedules")
def list_schedules(request: HttpRequest, filters: Query[ScheduleQuery]) -> Any:
    schedules = scoped_schedules(request.user)
    if filters.unit:
        schedules = schedules.filter(unit=commune(request, filters.unit))
    return [schedule_out(s) for s in schedules.prefetch_related("devices", "groups")[:300]]


@router.post(
    "/schedules",
    response={201: ScheduleOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a schedule: a playlist on days and hours, a date range, a priority, targets",
)
def create_schedule(request: HttpRequest, payload: ScheduleCreateIn) -> Any:
    unit = commune(request, payload.unit_code)
    saved = schedule_services.create_schedule(actor=request.user, unit=unit, **_values(payload, unit))
    return Status(201, _out(request, saved.pk))


@router.get("/schedules/{schedule_id}", response={200: ScheduleOut, 404: ErrorOut}, summary="One schedule")
def schedule_detail(request: HttpRequest, schedule_id: int) -> Any:
    return _out(request, schedule_id)


@router.put(
    "/schedules/{schedule_id}",
    response={200: ScheduleOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a schedule (all fields; enabled turns it on or off)",
)
def update_schedule(request: HttpRequest, schedule_id: int, payload: ScheduleIn) -> Any:
    schedule = get_schedule(request.user, schedule_id)
    schedule_services.update_schedule(
        actor=request.user, schedule=schedule, **_values(payload, schedule.unit)
    )
    return _out(request, schedule_id)
