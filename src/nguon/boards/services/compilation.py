"""Compilation: every e-board's timeline (:mod:`nguon.boards.selectors.timeline`) written as its manifest.

For each board, from local midnight today (Asia/Ho_Chi_Minh) for today and ``days`` more days, the
windows become the manifest's items (``mode`` "eboard") through
:func:`nguon.devices.services.manifests.set_board_manifest`: a new version and a signed
``manifest-changed`` only where something changed. Inputs are read once per run, whatever the number of
boards; each board then costs one manifest comparison (and one insert when it changed).

Runs: after every change of items, playlists or schedules (:func:`request_compile`, after the commit, in
the background), from ``nguon boards compile`` and from the periodic task (so the horizon moves on and
withdrawn bulletins and expired items leave the boards).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nguon.boards.selectors import timeline
from nguon.core import access, audit
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, DeviceManifest
from nguon.devices.protocol.manifests import MAX_ITEMS
from nguon.devices.services.manifests import set_board_manifest
from nguon.units.models import AdministrativeUnit

BOARDS = access.SystemActor("boards")
DEFAULT_DAYS = 2
CHUNK = 500  # boards read together (memory stays flat on a province-wide run)


@dataclass
class CompileResult:
    boards: int = 0
    changed: int = 0
    windows: int = 0
    slides: int = 0
    notes: list[str] = field(default_factory=list)


def horizon(now: datetime, days: int) -> tuple[datetime, datetime]:
    """From local midnight of ``now``'s day, for that day and ``days`` more."""
    today = now.astimezone(timeline.tz()).date()
    start = datetime.combine(today, datetime.min.time(), timeline.tz())
    return start, start + timedelta(days=days + 1)


def boards_under(unit: AdministrativeUnit | None = None) -> list[Device]:
    """The e-boards in service (under ``unit``, or everywhere)."""
    rows = Device.objects.filter(kind=DeviceKind.EBOARD, retired_on__isnull=True)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return list(rows.select_related("unit", "residential_unit").order_by("pk"))


def compile_boards(
    *,
    actor: object,
    boards: list[Device],
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
    unit: AdministrativeUnit | None = None,
) -> CompileResult:
    """Write the manifests of ``boards`` (see the module docstring)."""
    if not 0 <= days <= 14:
        raise ValidationError({"days": "Số ngày phải từ 0 đến 14."})
    for board in {b.unit_id: b for b in boards}.values():
        access.require(actor, access.BOARDS_MANAGE, unit=board.unit)
    start, end = horizon(now or timezone.now(), days)
    result = CompileResult()
    for first in range(0, len(boards), CHUNK):
        chunk = boards[first : first + CHUNK]
        inputs = timeline.load(chunk, start=start, end=end)
        cache = timeline.new_cache(inputs)
        latest = dict(
            DeviceManifest.objects.filter(device__in=chunk)
            .values("device_id")
            .annotate(top=Max("version"))
            .values_list("device_id", "top")
        )
        for board in chunk:
            windows = timeline.board_timeline(board, inputs, start=start, end=end, cache=cache)
            items = [w.protocol() for w in windows][:MAX_ITEMS]
            manifest = set_board_manifest(actor=actor, device=board, windows=items, notify=True)
            result.boards += 1
            result.windows += len(items)
            result.slides += sum(len(i["slides"]) for i in items)
            if manifest.version != latest.get(board.pk):
                result.changed += 1
        result.notes += inputs.notes
    if result.changed or not isinstance(actor, access.SystemActor):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="boards.compile",
                unit=unit,
                target_label=unit.code if unit is not None else "boards",
                after={
                    "boards": result.boards,
                    "manifests_changed": result.changed,
                    "windows": result.windows,
                    "slides": result.slides,
                    "days": days,
                    "notes": result.notes[:20],
                },
            )
    return result


def compile_unit(
    *, actor: object, unit: AdministrativeUnit, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> CompileResult:
    """Compile every e-board under ``unit`` (a commune, or the province)."""
    access.require(actor, access.BOARDS_MANAGE, unit=unit)
    return compile_boards(actor=actor, boards=boards_under(unit), days=days, now=now, unit=unit)


def compile_all(*, actor: object, days: int = DEFAULT_DAYS, now: datetime | None = None) -> CompileResult:
    """Compile every e-board (the periodic run)."""
    return compile_boards(actor=actor, boards=boards_under(None), days=days, now=now)


def request_compile(unit: AdministrativeUnit) -> None:
    """Recompile the boards under ``unit`` in the background once the current transaction commits."""
    unit_id = unit.pk
    transaction.on_commit(lambda: _enqueue(unit_id))


def _enqueue(unit_id: int) -> None:
    from nguon.boards.tasks import compile_unit_task

    compile_unit_task.enqueue(unit_id)
