"""Shared set-up of the boards-core tests (no tests here): e-boards, items, playlists, schedules, an
approved bulletin through the real workflow, and reading a board's manifest."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from nguon.boards.models import BoardItem, BoardSchedule, Playlist
from nguon.boards.services import items, playlists, schedules
from nguon.core.access import SystemActor
from nguon.devices.models import Device, DeviceManifest

SYSTEM = SystemActor("tests")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: A Thursday; the compile runs "now" at 10:00 local time that day.
DAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=HCM)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), HCM)


def board(unit: Any, serial: str, resolution: str = "192x96", **extra: Any) -> Device:
    from nguon.devices.services.registry import register_device

    return register_device(
        actor=SYSTEM,
        kind="eboard",
        serial=serial,
        unit=unit,
        name=serial,
        panel="led",
        resolution=resolution,
        **extra,
    )


def text_item(unit: Any, title: str, body: str = "", seconds: int = 10, **extra: Any) -> BoardItem:
    return items.create_item(
        actor=SYSTEM, unit=unit, kind="text", title=title, body=body, duration_seconds=seconds, **extra
    )


def playlist(unit: Any, name: str, members: list[BoardItem], *, default: bool = False) -> Playlist:
    made = playlists.create_playlist(actor=SYSTEM, unit=unit, name=name, is_default=default)
    return playlists.set_entries(actor=SYSTEM, playlist=made, entries=[(i, None) for i in members])


def schedule(
    unit: Any,
    name: str,
    loop: Playlist,
    start: time,
    end: time,
    *,
    priority: int = 10,
    weekdays: list[int] | None = None,
    **extra: Any,
) -> BoardSchedule:
    return schedules.create_schedule(
        actor=SYSTEM,
        unit=unit,
        name=name,
        playlist=loop,
        weekdays=weekdays or [1, 2, 3, 4, 5, 6, 7],
        start_time=start,
        end_time=end,
        start_date=DAY,
        priority=priority,
        **extra,
    )


def manifest(device: Device) -> dict[str, Any]:
    current = DeviceManifest.objects.filter(device=device).order_by("-version").first()
    assert current is not None, f"{device.device_id} has no manifest"
    body: dict[str, Any] = current.body
    return body


def window_at(device: Device, moment: datetime) -> dict[str, Any] | None:
    """The manifest window on screen at ``moment`` (None: the player shows its clock)."""
    from nguon.devices.protocol.timestamps import parse_ts

    for item in manifest(device)["items"]:
        start = parse_ts(item["start"])
        if start <= moment and (moment - start).total_seconds() * 1000 < item["duration_ms"]:
            return item
    return None


def headings(window: dict[str, Any] | None) -> list[str]:
    return [s.get("heading", "") for s in (window or {}).get("slides", [])]


def approved_bulletin(people: Any, department: Any, bulletin_input: Any, commune: Any, **data: Any) -> Any:
    """A department bulletin sent to ``commune``, through submit → appraise → approve (no audio)."""
    from nguon.content.services import bulletins, workflow

    b = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(target_scope="communes", targets=[commune], **data),
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    b.refresh_from_db()
    return b
