"""Background tasks of the boards app: thin, take ids, call the service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nguon.boards.services import compilation
from nguon.core.access import SystemActor
from nguon.units.models import AdministrativeUnit

ACTOR = SystemActor("boards")


def _summary(result: compilation.CompileResult) -> dict[str, Any]:
    return {
        "boards": result.boards,
        "manifests_changed": result.changed,
        "windows": result.windows,
        "slides": result.slides,
    }


@task()
def compile_unit_task(unit_id: int) -> dict[str, Any]:
    """Recompile the e-boards under one unit (queued after every change of items, playlists, schedules)."""
    unit = AdministrativeUnit.objects.get(pk=unit_id)
    return _summary(compilation.compile_unit(actor=ACTOR, unit=unit))


@task()
def compile_all_task() -> dict[str, Any]:
    """The periodic run (every few minutes): every e-board, so the horizon moves on and withdrawn bulletins
    and expired items leave the boards."""
    return _summary(compilation.compile_all(actor=ACTOR))
