"""Background tasks of the radio app: thin, take ids, call the service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nguon.core.access import SystemActor
from nguon.radio.services import compilation
from nguon.units.models import AdministrativeUnit

ACTOR = SystemActor("radio")


def _summary(report: Any) -> dict[str, Any]:
    return {
        "unit": report.unit.code,
        "devices": report.devices,
        "manifests_changed": report.manifests_changed,
        "items": report.items,
        "download_bytes": report.download_bytes,
        "warnings": len(report.warnings),
    }


@task()
def compile_unit_task(unit_id: int) -> dict[str, Any]:
    """Recompile one commune's manifests (queued after every schedule change)."""
    unit = AdministrativeUnit.objects.get(pk=unit_id)
    return _summary(compilation.compile_unit(actor=ACTOR, unit=unit))


@task()
def compile_all_task() -> list[dict[str, Any]]:
    """The nightly run: every commune with programmes, so the horizon moves on by a day."""
    return [_summary(report) for report in compilation.compile_all(actor=ACTOR)]
