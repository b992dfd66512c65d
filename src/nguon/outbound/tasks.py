"""Background tasks of the outbound app: thin, call the queue service."""

from __future__ import annotations

from django_tasks import task

from nguon.outbound.services import queue


@task()
def deliver_task(limit: int = 50) -> int:
    """One delivery pass; returns how many messages were taken."""
    return queue.deliver_due(limit=limit).claimed
