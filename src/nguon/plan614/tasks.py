"""Background tasks of the plan614 app: thin, call the service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from nguon.core.access import SystemActor
from nguon.plan614.services import measure_all

ACTOR = SystemActor("plan614")


@task()
def measure_task(on: str | None = None) -> dict[str, Any]:
    """Daily: compute every computed target as of ``on`` (ISO date, default today) and store the values
    (idempotent per target and day)."""
    stored = measure_all(actor=ACTOR, as_of=date.fromisoformat(on) if on else None)
    return {"measured": len(stored), "targets": [m.target.code for m in stored]}
