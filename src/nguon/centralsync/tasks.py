"""Background tasks of the centralsync app: thin, call the service. Schedule ``push_task`` every few
minutes (it does nothing when ``NGUON_CENTRAL_SYNC_URL`` is not set)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nguon.centralsync import services
from nguon.centralsync.client import configured_url
from nguon.core.access import SystemActor

ACTOR = SystemActor("task:centralsync")


@task()
def push_task(dataset: str = "all") -> dict[str, Any]:
    """Push what changed in ``dataset`` (or every dataset) to the central system."""
    if not configured_url():
        return {"datasets": [], "configured": False}
    result = services.push(actor=ACTOR, dataset=dataset)
    return {"datasets": [d.as_dict() for d in result.datasets], "configured": True}
