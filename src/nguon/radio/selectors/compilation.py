"""Reads for compilation: what the compiler lays out, and the reports it leaves for the operator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from nguon.core import access
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device
from nguon.radio.choices import OccurrenceStatus
from nguon.radio.models import CompilationReport, Occurrence, RunningOrderItem
from nguon.units.models import AdministrativeUnit

_ITEMS = RunningOrderItem.objects.select_related("bulletin", "bulletin__audio_render", "blob").order_by(
    "position", "pk"
)


def list_speaker_clusters(unit: AdministrativeUnit) -> QuerySet[Device]:
    """The commune's speaker clusters in service (e-boards and retired devices have no radio schedule)."""
    return (
        Device.objects.filter(unit=unit, kind=DeviceKind.SPEAKER_CLUSTER, retired_on__isnull=True)
        .select_related("residential_unit", "state", "unit")
        .prefetch_related("groups")
        .order_by("pk")
    )


def list_airings(unit: AdministrativeUnit, *, start: datetime, end: datetime) -> QuerySet[Occurrence]:
    """Scheduled occurrences of the commune's active programmes that meet ``start``..``end``, with
    everything the compiler reads (running orders, their bulletins and files, the targets)."""
    return (
        Occurrence.objects.filter(
            programme__unit=unit,
            programme__is_active=True,
            status=OccurrenceStatus.SCHEDULED,
            ends_at__gt=start,
            starts_at__lt=end,
        )
        .select_related("programme")
        .prefetch_related(
            Prefetch("items", queryset=_ITEMS),
            Prefetch("programme__items", queryset=_ITEMS),
            "programme__residential_units",
            "programme__device_groups",
        )
        .order_by("starts_at", "pk")
    )


def get_latest_report(unit: AdministrativeUnit) -> CompilationReport | None:
    return CompilationReport.objects.filter(unit=unit).order_by("-compiled_at", "-pk").first()


def list_reports(*, user: Any, unit: AdministrativeUnit) -> QuerySet[CompilationReport]:
    """The commune's compilation reports, newest first, as ``user`` may see them."""
    reports = CompilationReport.objects.filter(unit=unit).order_by("-compiled_at", "-pk")
    return access.scope(user, reports, access.BROADCAST_OPERATE)


def list_warnings(*, user: Any, unit: AdministrativeUnit, code: str = "") -> list[dict[str, Any]]:
    """The warnings of the commune's latest compilation (optionally of one ``code``), for the operator."""
    report = list_reports(user=user, unit=unit).first()
    if report is None:
        return []
    return [w for w in report.warnings if not code or w.get("code") == code]
