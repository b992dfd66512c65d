"""The computed indicators: one grouped query per indicator family over every commune of the report, so a
province of 92 communes costs a dozen queries, not a thousand.

Rules (docs/reports.md says the same in Vietnamese terms):
* devices and stations are counted as they stood on the period's last day (installed by then, not retired);
  "working" means at least one heartbeat sample in the last 7 days of the period;
* broadcasts come from play receipts (what devices proved they played, result "played"), not from plans;
* bulletins produced: commune bulletins approved within the period; received: bulletins that reached the
  commune's inbox within the period;
* feedback is placed where it happened (its commune), whoever handled it;
* campaigns: those issued above the commune, with a deadline within the period, that target the commune or
  something in it (a residential group, an organisation placed there); completed when every such target
  has reported by the period's end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from nguon.content.choices import CampaignStatus, TargetStatus
from nguon.content.models import Bulletin, CampaignTarget, InboxEntry
from nguon.core import access
from nguon.devices.choices import DeviceKind, StationKind
from nguon.devices.models import Device, HeartbeatSample, RadioStation
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Status
from nguon.feedback.models import Answer, Feedback
from nguon.reports.models import DailyPlays
from nguon.reports.periods import Period
from nguon.units.models import AdministrativeUnit

Values = dict[str, dict[int, int | Decimal]]
WORKING_WINDOW = timedelta(days=7)


def _count_by(queryset: QuerySet[Any], unit_field: str) -> dict[int, int | Decimal]:
    return {
        row[unit_field]: row["n"]
        for row in queryset.values(unit_field).annotate(n=Count("pk", distinct=True))
    }


def _devices(period: Period, unit_ids: list[int], kind: str) -> QuerySet[Device]:
    installed = Q(installed_on__lte=period.last_day) | Q(installed_on__isnull=True, created_at__lt=period.end)
    in_service = Q(retired_on__isnull=True) | Q(retired_on__gt=period.last_day)
    return Device.objects.filter(installed & in_service, kind=kind, unit_id__in=unit_ids)


def _fleet(period: Period, unit_ids: list[int], values: Values) -> None:
    for kind, total, working in (
        (DeviceKind.SPEAKER_CLUSTER, "clusters", "clusters_working"),
        (DeviceKind.EBOARD, "eboards", "eboards_working"),
    ):
        devices = _devices(period, unit_ids, kind)
        values[total] = dict(_count_by(devices, "unit_id"))
        alive = HeartbeatSample.objects.filter(
            bucket_start__gte=period.end - WORKING_WINDOW, bucket_start__lt=period.end
        ).values("device_id")
        values[working] = dict(_count_by(devices.filter(pk__in=alive), "unit_id"))


def _stations(period: Period, unit_ids: list[int], values: Values) -> None:
    rows = (
        RadioStation.objects.filter(unit_id__in=unit_ids, created_at__lt=period.end)
        .values("unit_id", "kind")
        .annotate(n=Count("pk"))
    )
    codes = {
        StationKind.IT_TELECOM: "stations_it",
        StationKind.FM: "stations_fm",
        StationKind.WIRED: "stations_wired",
    }
    for code in codes.values():
        values[code] = {}
    for row in rows:
        values[codes[row["kind"]]][row["unit_id"]] = row["n"]


def _bulletins(period: Period, unit_ids: list[int], values: Values) -> None:
    values["bulletins_produced"] = _count_by(
        Bulletin.objects.filter(
            unit_id__in=unit_ids, approved_at__gte=period.start, approved_at__lt=period.end
        ),
        "unit_id",
    )
    received = InboxEntry.objects.filter(
        unit_id__in=unit_ids, received_at__gte=period.start, received_at__lt=period.end
    )
    values["bulletins_received"] = {
        row["unit_id"]: row["n"]
        for row in received.values("unit_id").annotate(n=Count("bulletin", distinct=True))
    }


def _broadcasts(period: Period, unit_ids: list[int], values: Values) -> None:
    """From the daily rollup (``services/rollup.py`` keeps it equal to the receipts; periods are whole
    local days, so no receipt is split)."""
    rows = (
        DailyPlays.objects.filter(unit_id__in=unit_ids, day__gte=period.first_day, day__lte=period.last_day)
        .values("unit_id")
        .annotate(n=Sum("plays"), emergency=Sum("emergency_plays"), length=Sum("duration_us"))
        .order_by()
    )
    values["broadcasts"], values["emergency_broadcasts"], values["broadcast_minutes"] = {}, {}, {}
    for row in rows:
        unit = row["unit_id"]
        values["broadcasts"][unit] = row["n"]
        values["emergency_broadcasts"][unit] = row["emergency"]
        values["broadcast_minutes"][unit] = (Decimal(row["length"] or 0) / 60_000_000).quantize(
            Decimal("0.1")
        )


def _feedback(period: Period, unit_ids: list[int], values: Values) -> None:
    start, end = period.start, period.end
    mine = Feedback.objects.filter(unit_id__in=unit_ids)
    values["feedback_received"] = _count_by(
        mine.filter(received_at__gte=start, received_at__lt=end), "unit_id"
    )
    answered = Q(answered_at__gte=start, answered_at__lt=end)
    declined = Q(status=Status.DECLINED, closed_at__gte=start, closed_at__lt=end)
    values["feedback_handled"] = _count_by(mine.filter(answered | declined), "unit_id")
    values["feedback_on_time"] = _count_by(mine.filter(answered, answered_at__lte=F("due_at")), "unit_id")
    late = Q(answered, answered_at__gt=F("due_at"))
    still_open = Q(received_at__lt=end, due_at__lt=end) & (
        Q(answered_at__isnull=True, status__in=OPEN_STATUSES) | Q(answered_at__gte=end)
    )
    values["feedback_overdue"] = _count_by(mine.filter(late | still_open), "unit_id")
    aired = Answer.objects.filter(
        status=AnswerStatus.APPROVED,
        bulletin__isnull=False,
        published_at__gte=start,
        published_at__lt=end,
        feedback__unit_id__in=unit_ids,
    )
    values["feedback_aired"] = _count_by(aired, "feedback__unit_id")


def _campaigns(period: Period, communes: Sequence[AdministrativeUnit], values: Values) -> None:
    """Per commune: campaigns it was given (``campaigns_assigned``) and those it completed. One query over
    the targets of the campaigns due within the period, placed under their commune by path in Python."""
    commune_by_path = {unit.path: unit.pk for unit in communes}
    targets = CampaignTarget.objects.filter(
        campaign__status__in=(CampaignStatus.ISSUED, CampaignStatus.CLOSED),
        campaign__deadline__gte=period.first_day,
        campaign__deadline__lte=period.last_day,
    ).values_list("campaign_id", "campaign__unit__path", "unit__path", "status", "reported_at")
    done: dict[tuple[int, int], bool] = {}  # (commune id, campaign id) → every target there reported
    for campaign_id, issuer_path, target_path, status, reported_at in targets:
        place = next((p for p in access.path_prefixes(target_path) if p in commune_by_path), None)
        if place is None or issuer_path.startswith(place):  # outside the report, or the commune's own
            continue
        commune = commune_by_path[place]
        reported = status == TargetStatus.REPORTED and reported_at is not None and reported_at < period.end
        key = (commune, campaign_id)
        done[key] = done.get(key, True) and reported
    assigned: dict[int, int | Decimal] = defaultdict(int)
    completed: dict[int, int | Decimal] = defaultdict(int)
    for (commune, _), finished in done.items():
        assigned[commune] += 1
        completed[commune] += int(finished)
    values["campaigns_assigned"] = dict(assigned)
    values["campaigns_completed"] = {unit: n for unit, n in completed.items() if n}


def compute(period: Period, communes: Sequence[AdministrativeUnit]) -> Values:
    """Every computed indicator for every commune: ``{indicator code: {commune id: number}}`` (communes with
    nothing to count are absent from the inner dict; read them as 0)."""
    unit_ids = [unit.pk for unit in communes]
    values: Values = defaultdict(dict)
    _stations(period, unit_ids, values)
    _fleet(period, unit_ids, values)
    _bulletins(period, unit_ids, values)
    _broadcasts(period, unit_ids, values)
    _feedback(period, unit_ids, values)
    _campaigns(period, communes, values)
    return dict(values)
