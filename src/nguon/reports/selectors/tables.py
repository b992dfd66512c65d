"""The report table: one row per commune, one column per indicator, and the totals — the same numbers in
the screens, the xlsx, the docx and the pdf."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nguon.core import access
from nguon.reports.choices import ReportStatus
from nguon.reports.indicators import ENTERED, INDICATORS
from nguon.reports.indicators.computed import compute
from nguon.reports.models import CommuneReport, EnteredValue, ReportCycle
from nguon.reports.periods import Period, parse
from nguon.reports.services import rollup
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

Number = int | Decimal
#: Entered figures count in the table once the commune has sent them.
COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})


@dataclass
class Row:
    unit: AdministrativeUnit
    values: dict[str, Number | None]
    status: str = ""


@dataclass
class Table:
    period: Period
    root: AdministrativeUnit
    rows: list[Row]
    totals: dict[str, Number] = field(default_factory=dict)
    missing: list[AdministrativeUnit] = field(default_factory=list)  # communes whose figures are not in


def communes_of(root: AdministrativeUnit) -> list[AdministrativeUnit]:
    if root.level == UnitLevel.COMMUNE:
        return [root]
    return list(
        AdministrativeUnit.objects.filter(
            path__startswith=root.path, level=UnitLevel.COMMUNE, is_current=True
        ).order_by("code")
    )


def _entered(
    cycle: ReportCycle | None, unit_ids: list[int]
) -> tuple[dict[str, dict[int, Number]], dict[int, str]]:
    if cycle is None:
        return {}, {}
    reports = CommuneReport.objects.filter(cycle=cycle, unit_id__in=unit_ids)
    statuses = {r.unit_id: r.status for r in reports}
    values: dict[str, dict[int, Number]] = {}
    rows = EnteredValue.objects.filter(report__in=reports, report__status__in=COUNTED).values(
        "indicator", "value", "report__unit_id"
    )
    for row in rows:
        values.setdefault(row["indicator"], {})[row["report__unit_id"]] = row["value"]
    return values, statuses


def table(period: str | Period, root: AdministrativeUnit) -> Table:
    """The indicator table of ``period`` over the communes of ``root`` (a province or one commune)."""
    parsed = parse(period) if isinstance(period, str) else period
    # Bring the derived daily play totals up to date first (not a domain write: it only re-derives rows).
    rollup.refresh()
    communes = communes_of(root)
    unit_ids = [u.pk for u in communes]
    computed = compute(parsed, communes)
    province_path = access.path_prefixes(root.path)[0]
    cycle = ReportCycle.objects.filter(province__path=province_path, period=parsed.code).first()
    entered, statuses = _entered(cycle, unit_ids)
    result = Table(period=parsed, root=root, rows=[])
    totals: dict[str, Number] = {}
    for unit in communes:
        values: dict[str, Number | None] = {}
        for indicator in INDICATORS:
            if indicator.source == ENTERED:
                value: Number | None = entered.get(indicator.code, {}).get(unit.pk)
            else:
                value = computed.get(indicator.code, {}).get(unit.pk, 0)
            values[indicator.code] = value
            if value is not None:
                totals[indicator.code] = totals.get(indicator.code, 0) + value
        row = Row(unit=unit, values=values, status=statuses.get(unit.pk, ""))
        result.rows.append(row)
        if statuses.get(unit.pk) not in COUNTED:
            result.missing.append(unit)
    result.totals = {i.code: totals.get(i.code, 0) for i in INDICATORS}
    return result


def commune_snapshot(report: CommuneReport) -> dict[str, Any]:
    """What a submission freezes: the commune's computed figures then, and its entered figures."""
    parsed = parse(report.cycle.period)
    rollup.refresh()
    computed = compute(parsed, [report.unit])
    return {
        "period": parsed.code,
        "unit": report.unit.code,
        "computed": {
            i.code: str(computed.get(i.code, {}).get(report.unit.pk, 0))
            for i in INDICATORS
            if i.source != ENTERED
        },
        "entered": {v.indicator: {"value": str(v.value), "source": v.source} for v in report.values.all()},
    }
