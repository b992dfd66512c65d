"""Pushing datasets up to the central system (docs/integrations/central-sync.md).

``push`` builds batches of at most ``batch_size`` items from each dataset's cursor, sends them one by one
and moves the cursor only after the central system answered 2xx; a batch that fails stops that dataset
(its items stay pending, so nothing is lost) and the next dataset is tried. Every HTTP exchange is logged
(``Exchange``); every acknowledged or failed batch is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.centralsync import contract
from nguon.centralsync.choices import Dataset
from nguon.centralsync.client import Attempt, SyncClient, SyncError
from nguon.centralsync.datasets import SETTLE, source_of
from nguon.centralsync.models import Exchange, SyncCursor
from nguon.core import access, audit
from nguon.units.models import AdministrativeUnit

DEFAULT_BATCH_SIZE = 500
MAX_BATCH_SIZE = 5000


@dataclass
class DatasetResult:
    """What one push did for one dataset."""

    dataset: str
    batches: int = 0
    items: int = 0
    failed: bool = False
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "batches": self.batches,
            "items": self.items,
            "failed": self.failed,
            "error": self.error,
        }


@dataclass
class PushResult:
    datasets: list[DatasetResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.failed for d in self.datasets)


def province() -> AdministrativeUnit:
    """The installation's province: where ``CENTRALSYNC_MANAGE`` is checked."""
    return AdministrativeUnit.objects.get(
        level="province", is_current=True, code=settings.NGUON_PROVINCE_CODE
    )


def datasets_of(dataset: str | None) -> list[str]:
    if not dataset or dataset == "all":
        return list(Dataset.values)
    if dataset not in Dataset.values:
        raise ValidationError(
            {"dataset": f"Không có tập dữ liệu “{dataset}”: dùng {', '.join(Dataset.values)} hoặc all."}
        )
    return [dataset]


def cursor_of(dataset: str) -> SyncCursor:
    cursor, _ = SyncCursor.objects.get_or_create(dataset=dataset)
    return cursor


def push(
    *,
    actor: Any,
    dataset: str | None = None,
    client: SyncClient | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    settle: timedelta = SETTLE,
    now: datetime | None = None,
) -> PushResult:
    """Send what changed in ``dataset`` (every dataset when None or "all") since the last acknowledged
    batch."""
    home = province()
    access.require(actor, access.CENTRALSYNC_MANAGE, unit=home)
    names = datasets_of(dataset)
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValidationError({"batch_size": f"Số mục mỗi lô phải từ 1 đến {MAX_BATCH_SIZE}."})
    if client is None:
        try:
            client = SyncClient.from_settings()
        except SyncError as error:
            raise ValidationError(error.message) from None
    result = PushResult()
    for name in names:
        result.datasets.append(
            _push_dataset(
                actor=actor,
                dataset=name,
                client=client,
                batch_size=batch_size,
                settle=settle,
                now=now,
                home=home,
            )
        )
    return result


def _push_dataset(
    *,
    actor: Any,
    dataset: str,
    client: SyncClient,
    batch_size: int,
    settle: timedelta,
    now: datetime | None,
    home: AdministrativeUnit,
) -> DatasetResult:
    done = DatasetResult(dataset=dataset)
    cursor = cursor_of(dataset)
    source = source_of(dataset, now=now or timezone.now(), settle=settle)
    while True:
        items = source.pending(cursor, limit=batch_size)
        if not items:
            return done
        batch = contract.batch_id(dataset, source.start(cursor), items)
        key = contract.idempotency_key(dataset, batch)
        body = contract.encode(
            contract.envelope(
                dataset=dataset, province_code=home.code, batch=batch, sent_at=timezone.now(), items=items
            )
        )

        def log(
            attempt: Attempt, batch: str = batch, key: str = key, body: bytes = body, n: int = len(items)
        ) -> None:
            Exchange.objects.create(
                dataset=dataset,
                batch_id=batch,
                idempotency_key=key,
                attempt=attempt.number,
                url=client.batch_url(dataset)[:500],
                request_bytes=len(body),
                item_count=n,
                status_code=attempt.status,
                outcome=attempt.outcome,
                error=attempt.error[:1000],
                duration_ms=attempt.duration_ms,
                started_at=attempt.started_at,
                finished_at=attempt.finished_at,
            )

        try:
            status = client.send(dataset, body, idempotency_key=key, on_attempt=log)
        except SyncError as error:
            _record_failure(actor=actor, cursor=cursor, batch=batch, items=len(items), error=error, home=home)
            done.failed, done.error = True, error.message
            return done
        with transaction.atomic():
            cursor = SyncCursor.objects.select_for_update().get(pk=cursor.pk)
            before = _snapshot(cursor)
            source.advance(cursor, items)
            cursor.last_success_at = timezone.now()
            cursor.last_batch_id = batch
            cursor.last_error, cursor.last_error_at = "", None
            cursor.items_sent += len(items)
            cursor.save()
            audit.record(
                actor=actor,
                action="centralsync.batch.push",
                target=cursor,
                unit=home,
                before=before,
                after={**_snapshot(cursor), "batch_id": batch, "items": len(items), "status": status},
                target_label=f"{dataset} {batch}",
            )
        done.batches += 1
        done.items += len(items)


def _snapshot(cursor: SyncCursor) -> dict[str, Any]:
    return {
        "dataset": cursor.dataset,
        "watermark_at": contract.iso(cursor.watermark_at),
        "watermark_id": cursor.watermark_id,
        "watermark_seq": cursor.watermark_seq,
        "items_sent": cursor.items_sent,
    }


def _record_failure(
    *, actor: Any, cursor: SyncCursor, batch: str, items: int, error: SyncError, home: AdministrativeUnit
) -> None:
    with transaction.atomic():
        cursor = SyncCursor.objects.select_for_update().get(pk=cursor.pk)
        cursor.last_error, cursor.last_error_at = error.message[:1000], timezone.now()
        cursor.save(update_fields=["last_error", "last_error_at"])
        audit.record(
            actor=actor,
            action="centralsync.batch.fail",
            target=cursor,
            unit=home,
            after={"batch_id": batch, "items": items, "status": error.status, "error": error.message[:500]},
            target_label=f"{cursor.dataset} {batch}",
        )


def request_push(*, actor: Any, dataset: str | None = None) -> list[str]:
    """A person asks for a push now (the screen's button, the API): checked, audited, and queued as
    ``push_task`` once the request's transaction commits. Returns the datasets queued."""
    home = province()
    access.require(actor, access.CENTRALSYNC_MANAGE, unit=home)
    names = datasets_of(dataset)
    try:
        SyncClient.from_settings()
    except SyncError as error:
        raise ValidationError(error.message) from None
    from nguon.centralsync.tasks import push_task

    with transaction.atomic():
        audit.record(
            actor=actor,
            action="centralsync.push.request",
            unit=home,
            after={"datasets": names},
            target_label="centralsync",
        )
        transaction.on_commit(lambda: push_task.enqueue(dataset=dataset or "all"))
    return names
