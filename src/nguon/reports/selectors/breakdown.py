"""Bulletins of a period broken down by source level, category, language and TT39 priority — the table
the report shows beside the per-commune indicators. Counted: bulletins approved within the period and
placed in the report's area (the province's own, its departments', its communes')."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from nguon.content.choices import Language, Priority, SourceLevel
from nguon.content.models import Bulletin
from nguon.reports.periods import Period
from nguon.units.choices import OrganisationKind
from nguon.units.models import AdministrativeUnit, Organisation


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[tuple[str, int]]  # (label, count), largest first; every known label listed

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("source_level", "Theo cấp nguồn tin"),
    ("category__name", "Theo lĩnh vực (Nghị định 49/2024)"),
    ("language", "Theo ngôn ngữ"),
    ("priority", "Theo mức ưu tiên (Thông tư 39/2020)"),
)
_LABELS: dict[str, dict[str, str]] = {
    "source_level": {c.value: str(c.label) for c in SourceLevel},
    "language": {c.value: str(c.label) for c in Language},
    "priority": {c.value: str(c.label) for c in Priority},
}


@dataclass(frozen=True)
class Suppliers:
    """Departments (sở, ban, ngành) of the area that supplied information on the system in the period:
    those with at least one bulletin approved within it, out of those active during it."""

    supplying: int
    departments: int


def departments_supplying(period: Period, root: AdministrativeUnit) -> Suppliers:
    active = Organisation.objects.filter(
        kind=OrganisationKind.DEPARTMENT, unit__path__startswith=root.path
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.first_day))
    supplying = (
        Bulletin.objects.filter(
            source_organisation__in=active, approved_at__gte=period.start, approved_at__lt=period.end
        )
        .values("source_organisation")
        .distinct()
        .count()
    )
    return Suppliers(supplying=supplying, departments=active.count())


def bulletin_breakdowns(period: Period, root: AdministrativeUnit) -> list[Breakdown]:
    approved = Bulletin.objects.filter(
        unit__path__startswith=root.path, approved_at__gte=period.start, approved_at__lt=period.end
    )
    result = []
    for field, title in DIMENSIONS:
        counts = {row[field]: row["n"] for row in approved.values(field).annotate(n=Count("pk")).order_by()}
        labels = _LABELS.get(field, {})
        rows = [(labels.get(key, key), n) for key, n in counts.items()]
        rows += [(label, 0) for key, label in labels.items() if key not in counts]
        rows.sort(key=lambda row: (-row[1], row[0]))
        result.append(Breakdown(title=title, rows=rows))
    return result
