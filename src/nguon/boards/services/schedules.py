"""Schedules: a playlist on days of the week, between two times, over a date range, on chosen boards.

Checked before anything is written: at least one weekday (ISO 1..7), a start and an end time (an end at
or before the start runs past midnight), the end date not before the start date, a playlist of the unit
or a unit above it that is not empty, and targets that exist and are e-boards (or groups) of the unit's
area — every board of the unit, or the listed boards and groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.boards.choices import SchedulePriority
from nguon.boards.models import BoardSchedule, Playlist, PlaylistEntry
from nguon.boards.services.compilation import request_compile
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, DeviceGroup
from nguon.units.models import AdministrativeUnit

FIELDS = (
    "unit",
    "name",
    "playlist",
    "priority",
    "weekdays",
    "start_time",
    "end_time",
    "start_date",
    "end_date",
    "all_boards",
    "enabled",
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _resolve_devices(values: Sequence[Device | int | str]) -> list[Device]:
    objects = [v for v in values if isinstance(v, Device)]
    keys = [v for v in values if not isinstance(v, Device)]
    if keys:
        numeric = [int(k) for k in keys if isinstance(k, int) or str(k).isdigit()]
        named = [str(k) for k in keys if not (isinstance(k, int) or str(k).isdigit())]
        found = list(Device.objects.filter(pk__in=numeric)) + list(Device.objects.filter(device_id__in=named))
        if len(found) != len(set(keys)):
            raise ValidationError({"devices": "Có bảng tin không tồn tại."})
        objects += found
    return list({d.pk: d for d in objects}.values())


def _resolve_groups(values: Sequence[DeviceGroup | int | str]) -> list[DeviceGroup]:
    objects = [v for v in values if isinstance(v, DeviceGroup)]
    keys = {int(v) for v in values if not isinstance(v, DeviceGroup)}
    if keys:
        found = list(DeviceGroup.objects.filter(pk__in=keys))
        if len(found) != len(keys):
            raise ValidationError({"groups": "Có nhóm thiết bị không tồn tại."})
        objects += found
    return list({g.pk: g for g in objects}.values())


def _validate(
    *,
    unit: AdministrativeUnit,
    name: str,
    playlist: Playlist | None,
    priority: int,
    weekdays: Sequence[int | str],
    start_time: time | None,
    end_time: time | None,
    start_date: date | None,
    end_date: date | None,
    all_boards: bool,
    devices: list[Device],
    groups: list[DeviceGroup],
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean_name = nfc(name or "")
    if not clean_name:
        errors["name"] = "Nhập tên lịch."
    elif len(clean_name) > 200:
        errors["name"] = "Tên lịch dài quá 200 ký tự."
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = []
        errors["weekdays"] = "Ngày trong tuần không hợp lệ."
    if not days and "weekdays" not in errors:
        errors["weekdays"] = "Chọn ít nhất một ngày trong tuần."
    elif any(not 1 <= d <= 7 for d in days):
        errors["weekdays"] = "Ngày trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật)."
    if start_time is None:
        errors["start_time"] = "Nhập giờ bắt đầu."
    if end_time is None:
        errors["end_time"] = "Nhập giờ kết thúc."
    if start_date is None:
        errors["start_date"] = "Nhập ngày bắt đầu."
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
    if priority not in SchedulePriority.values:
        errors["priority"] = "Mức ưu tiên không hợp lệ."
    if playlist is None:
        errors["playlist"] = "Chọn danh sách phát."
    elif not unit.path.startswith(playlist.unit.path):
        errors["playlist"] = "Danh sách phát thuộc địa bàn khác."
    elif not PlaylistEntry.objects.filter(playlist=playlist, item__archived_at__isnull=True).exists():
        errors["playlist"] = "Danh sách phát đang trống; thêm nội dung trước khi lập lịch."
    if not all_boards:
        errors |= _target_errors(unit, devices, groups)
    if errors:
        raise ValidationError(errors)
    return {
        "name": clean_name,
        "playlist": playlist,
        "priority": priority,
        "weekdays": days,
        "start_time": start_time,
        "end_time": end_time,
        "start_date": start_date,
        "end_date": end_date,
        "all_boards": all_boards,
    }


def _target_errors(
    unit: AdministrativeUnit, devices: list[Device], groups: list[DeviceGroup]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not devices and not groups:
        errors["devices"] = "Chọn bảng tin hoặc nhóm bảng tin, hoặc chọn mọi bảng tin của địa bàn."
    wrong = [
        d.name or d.device_id
        for d in devices
        if d.kind != DeviceKind.EBOARD or d.retired_on is not None or not d.unit.path.startswith(unit.path)
    ]
    if wrong:
        errors["devices"] = f"Không phải bảng tin đang hoạt động của địa bàn: {', '.join(wrong)}."
    wrong_groups = [g.name for g in groups if not g.unit.path.startswith(unit.path)]
    if wrong_groups:
        errors["groups"] = f"Nhóm không thuộc địa bàn: {', '.join(wrong_groups)}."
    return errors


def _snapshot(schedule: BoardSchedule) -> dict[str, Any]:
    return {
        **audit.snapshot(schedule, FIELDS),
        "devices": sorted(schedule.devices.values_list("device_id", flat=True)),
        "groups": sorted(schedule.groups.values_list("pk", flat=True)),
    }


def _save(
    *,
    actor: Any,
    schedule: BoardSchedule,
    values: dict[str, Any],
    devices: list[Device],
    groups: list[DeviceGroup],
    action: str,
) -> BoardSchedule:
    before = _snapshot(schedule) if schedule.pk else None
    with transaction.atomic():
        for key, value in values.items():
            setattr(schedule, key, value)
        schedule.save()
        schedule.devices.set([] if schedule.all_boards else devices)
        schedule.groups.set([] if schedule.all_boards else groups)
        audit.record(
            actor=actor,
            action=action,
            target=schedule,
            unit=schedule.unit,
            before=before,
            after=_snapshot(schedule),
        )
        request_compile(schedule.unit)
    return schedule


def create_schedule(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str,
    playlist: Playlist | None,
    weekdays: Sequence[int | str],
    start_time: time | None,
    end_time: time | None,
    start_date: date | None,
    end_date: date | None = None,
    priority: int = SchedulePriority.NORMAL,
    all_boards: bool = True,
    devices: Sequence[Device | int | str] = (),
    groups: Sequence[DeviceGroup | int | str] = (),
    enabled: bool = True,
) -> BoardSchedule:
    """A new schedule of ``unit``; the boards it reaches are recompiled after the commit."""
    access.require(actor, access.BOARDS_MANAGE, unit=unit)
    chosen_devices, chosen_groups = _resolve_devices(devices), _resolve_groups(groups)
    values = _validate(
        unit=unit,
        name=name,
        playlist=playlist,
        priority=int(priority),
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        end_date=end_date,
        all_boards=all_boards,
        devices=chosen_devices,
        groups=chosen_groups,
    )
    schedule = BoardSchedule(unit=unit, created_by=_user(actor), enabled=enabled)
    return _save(
        actor=actor,
        schedule=schedule,
        values=values,
        devices=chosen_devices,
        groups=chosen_groups,
        action="boards.schedule.create",
    )


def update_schedule(
    *,
    actor: Any,
    schedule: BoardSchedule,
    name: str,
    playlist: Playlist | None,
    weekdays: Sequence[int | str],
    start_time: time | None,
    end_time: time | None,
    start_date: date | None,
    end_date: date | None = None,
    priority: int = SchedulePriority.NORMAL,
    all_boards: bool = True,
    devices: Sequence[Device | int | str] = (),
    groups: Sequence[DeviceGroup | int | str] = (),
    enabled: bool | None = None,
) -> BoardSchedule:
    """Change every field of a schedule (``enabled`` None keeps it)."""
    access.require(actor, access.BOARDS_MANAGE, unit=schedule.unit)
    chosen_devices, chosen_groups = _resolve_devices(devices), _resolve_groups(groups)
    values = _validate(
        unit=schedule.unit,
        name=name,
        playlist=playlist,
        priority=int(priority),
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        start_date=start_date,
        end_date=end_date,
        all_boards=all_boards,
        devices=chosen_devices,
        groups=chosen_groups,
    )
    if enabled is not None:
        values["enabled"] = enabled
    return _save(
        actor=actor,
        schedule=schedule,
        values=values,
        devices=chosen_devices,
        groups=chosen_groups,
        action="boards.schedule.update",
    )


def set_enabled(*, actor: Any, schedule: BoardSchedule, enabled: bool) -> BoardSchedule:
    """Switch a schedule on or off (off: its boards fall back to other schedules or default content)."""
    access.require(actor, access.BOARDS_MANAGE, unit=schedule.unit)
    if schedule.enabled == enabled:
        return schedule
    before = _snapshot(schedule)
    with transaction.atomic():
        schedule.enabled = enabled
        schedule.save(update_fields=["enabled", "updated_at"])
        audit.record(
            actor=actor,
            action="boards.schedule.enable" if enabled else "boards.schedule.disable",
            target=schedule,
            unit=schedule.unit,
            before=before,
            after=_snapshot(schedule),
        )
        request_compile(schedule.unit)
    return schedule
