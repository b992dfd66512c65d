"""Reads of the centralsync app: where each dataset stands and the exchange log. Installation-wide: the
reader must hold ``CENTRALSYNC_MANAGE`` over the province (else 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from nguon.centralsync.choices import Dataset
from nguon.centralsync.datasets import source_of
from nguon.centralsync.models import Exchange, SyncCursor
from nguon.centralsync.services import province
from nguon.core import access


@dataclass(frozen=True)
class DatasetStatus:
    """One dataset on the status screen."""

    dataset: str
    label: str
    pending: int
    items_sent: int
    last_success_at: datetime | None
    last_batch_id: str
    last_error: str
    last_error_at: datetime | None


def require_manage(user: Any) -> None:
    access.require(user, access.CENTRALSYNC_MANAGE, unit=province())


def list_status(*, user: Any) -> list[DatasetStatus]:
    require_manage(user)
    cursors = {c.dataset: c for c in SyncCursor.objects.all()}
    now = timezone.now()
    rows: list[DatasetStatus] = []
    for name, label in Dataset.choices:
        cursor = cursors.get(name) or SyncCursor(dataset=name)
        rows.append(
            DatasetStatus(
                dataset=name,
                label=str(label),
                pending=source_of(name, now=now).count_pending(cursor),
                items_sent=cursor.items_sent,
                last_success_at=cursor.last_success_at,
                last_batch_id=cursor.last_batch_id,
                last_error=cursor.last_error,
                last_error_at=cursor.last_error_at,
            )
        )
    return rows


def list_exchanges(
    *, user: Any, dataset: str = "", outcome: str = "", batch_id: str = ""
) -> QuerySet[Exchange]:
    """The exchange log, newest first, filtered by dataset, outcome and batch."""
    require_manage(user)
    rows = Exchange.objects.all()
    if dataset:
        rows = rows.filter(dataset=dataset)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if batch_id:
        rows = rows.filter(batch_id=batch_id.strip())
    return rows.order_by("-started_at", "-id")
