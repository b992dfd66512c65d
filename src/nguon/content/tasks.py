"""Background tasks of the content app: thin, call the service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nguon.content.services import central


@task()
def pull_central_task(max_pages: int = central.DEFAULT_MAX_PAGES) -> dict[str, Any]:
    """Pull from the central system (schedule it, e.g. every 5 minutes); returns the run's counts."""
    return central.pull(max_pages=max_pages).as_dict()
