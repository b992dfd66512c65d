"""Keeping ``DailyPlays`` equal to the receipts.

``refresh()`` looks at the receipts added since the last run (by id, re-reading a window of the last
``OVERLAP`` ids because ids of concurrent transactions can commit out of order), finds the local days
their plays started on, and rebuilds those days completely from the receipts: a day rebuilt twice is the
same day, a receipt uploaded days late (a device that was offline) lands on its own day. Reports call it
before they read, so their numbers always equal the raw rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate

from nguon.devices.models import PlayReceipt
from nguon.reports.models import DailyPlays, RollupCursor
from nguon.reports.periods import LOCAL

OVERLAP = 10_000
CURSOR = "receipts"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=LOCAL)
    return start, start + timedelta(days=1)


def _microseconds(length: timedelta | None) -> int:
    if length is None:
        return 0
    return (length.days * 86_400 + length.seconds) * 1_000_000 + length.microseconds


def rebuild_day(day: date) -> int:
    """Recompute every device's totals of ``day`` (local) from the receipts; returns the rows written."""
    start, end = _day_bounds(day)
    length = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    rows = (
        PlayReceipt.objects.filter(result="played", started_at__gte=start, started_at__lt=end)
        .values("device_id", "device__unit_id")
        .annotate(n=Count("pk"), emergency=Count("pk", filter=Q(is_emergency=True)), length=Sum(length))
        .order_by()
    )
    fresh = [
        DailyPlays(
            device_id=row["device_id"],
            unit_id=row["device__unit_id"],
            day=day,
            plays=row["n"],
            emergency_plays=row["emergency"],
            duration_us=_microseconds(row["length"]),
        )
        for row in rows
    ]
    with transaction.atomic():
        DailyPlays.objects.filter(day=day).delete()
        DailyPlays.objects.bulk_create(fresh, batch_size=2000)
    return len(fresh)


def refresh() -> list[date]:
    """Roll up what arrived since the last run; returns the days rebuilt."""
    cursor, _ = RollupCursor.objects.get_or_create(name=CURSOR)
    since = max(cursor.last_receipt_id - OVERLAP, 0)
    newest = PlayReceipt.objects.filter(pk__gt=since).aggregate(top=Max("pk"))["top"]
    if newest is None or newest <= cursor.last_receipt_id:
        return []  # nothing new (a late commit below the cursor is picked up with the next new receipt)
    days = sorted(
        d
        for d in PlayReceipt.objects.filter(pk__gt=since, started_at__isnull=False)
        .annotate(day=TruncDate("started_at", tzinfo=LOCAL))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
        if d is not None
    )
    for day in days:
        rebuild_day(day)
    RollupCursor.objects.filter(pk=cursor.pk).update(last_receipt_id=max(newest, cursor.last_receipt_id))
    return days


def rebuild_all() -> int:
    """Recompute every day that has receipts (after an import, or to check the rollup)."""
    first_last = PlayReceipt.objects.filter(result="played").aggregate(
        first=TruncDate(Min("started_at"), tzinfo=LOCAL), last=TruncDate(Max("started_at"), tzinfo=LOCAL)
    )
    if first_last["first"] is None:
        return 0
    written, day = 0, first_last["first"]
    while day <= first_last["last"]:
        written += rebuild_day(day)
        day += timedelta(days=1)
    top = PlayReceipt.objects.aggregate(top=Max("pk"))["top"] or 0
    RollupCursor.objects.update_or_create(name=CURSOR, defaults={"last_receipt_id": top})
    return written
