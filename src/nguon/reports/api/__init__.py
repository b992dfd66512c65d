"""API of the reports app, under /api/v1/reports/: a period's indicator table, a commune's entered figures
(read, replace), and its submission. Errors use the project's JSON shape: a unit the caller may not see is
a 404, refused figures a 422 with one detail per indicator."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.reports import periods
from nguon.reports.indicators import ENTERED, INDICATORS
from nguon.reports.models import CommuneReport, ReportCycle
from nguon.reports.selectors import scoped
from nguon.reports.selectors.tables import table
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.units.models import AdministrativeUnit

router = Router(tags=["reports"])

Number = int | float | None


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    group: str
    source: str = Field(description='"computed" by the system or "entered" by the commune.')


class RowOut(Schema):
    unit_code: str
    unit_name: str
    status: str = Field(description="draft, submitted, returned, accepted, or empty when no report exists.")
    values: dict[str, Number]


class TableOut(Schema):
    period: str
    label: str
    first_day: str
    last_day: str
    due: str
    unit_code: str
    unit_name: str
    indicators: list[IndicatorOut]
    rows: list[RowOut]
    totals: dict[str, Number]
    missing: list[str] = Field(description="Codes of communes whose entered figures are not in yet.")


class TableQuery(Schema):
    unit: str | None = Field(None, description="Official code of the province or a commune (default: yours).")


class FigureIn(Schema):
    value: str | float | int | None = Field(
        description="The figure; null erases the one entered before (then `reason` is required)."
    )
    source: str = Field("", description="Where the figure comes from (required with a value).")
    reason: str = Field("", description="Why the figure is erased (only with a null value).")


class FiguresIn(Schema):
    figures: dict[str, FigureIn]


class FigureOut(Schema):
    value: Number
    source: str


class VersionOut(Schema):
    number: int
    created_at: datetime


class CommuneReportOut(Schema):
    period: str
    unit_code: str
    unit_name: str
    cycle_open: bool
    locked: bool
    status: str
    version: int
    return_reason: str
    figures: dict[str, FigureOut]
    computed: dict[str, Number]
    versions: list[VersionOut]


def _json_number(value: int | Decimal | None) -> Number:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _period(code: str) -> periods.Period:
    try:
        return periods.parse(code)
    except periods.PeriodCodeError as error:
        raise ValidationError({"period": str(error)}) from None


def _detail(period: periods.Period, unit: AdministrativeUnit) -> dict[str, Any]:
    cycle = scoped.cycle_of(period)
    report = scoped.report_of(cycle, unit)
    row = table(period, unit).rows[0]
    return {
        "period": period.code,
        "unit_code": unit.code,
        "unit_name": unit.full_name,
        "cycle_open": cycle is not None and cycle.locked_at is None,
        "locked": cycle is not None and cycle.locked_at is not None,
        "status": report.status if report else "",
        "version": report.version if report else 0,
        "return_reason": report.return_reason if report else "",
        "figures": {
            v.indicator: {"value": _json_number(v.value), "source": v.source}
            for v in (report.values.all() if report else [])
        },
        "computed": {i.code: _json_number(row.values.get(i.code)) for i in INDICATORS if i.source != ENTERED},
        "versions": [
            {"number": v.number, "created_at": v.created_at}
            for v in (report.versions.order_by("number") if report else [])
        ],
    }


def _writable_report(request: HttpRequest, period: periods.Period, code: str) -> CommuneReport:
    unit = scoped.commune_or_404(request.user, code, access.REPORTS_SUBMIT)
    cycle: ReportCycle | None = scoped.cycle_of(period)
    if cycle is None:
        raise ValidationError(f"Tỉnh chưa mở kỳ báo cáo {period.code}; chưa nhập được số liệu.")
    if cycle.locked_at is not None:
        raise ValidationError(cycles.LOCKED.format(period=period.code))
    return cycles.report_for(actor=request.user, cycle=cycle, unit=unit)


@router.get(
    "/{period}/table",
    response={200: TableOut, 404: ErrorOut, 422: ErrorOut},
    summary="The indicator table of a period: one row per commune, the totals, the communes still missing",
)
def period_table(request: HttpRequest, period: str, filters: Query[TableQuery]) -> Any:
    parsed = _period(period)
    root = scoped.root_or_404(request.user, filters.unit)
    data = table(parsed, root)
    return {
        "period": parsed.code,
        "label": parsed.label,
        "first_day": parsed.first_day.isoformat(),
        "last_day": parsed.last_day.isoformat(),
        "due": parsed.due.isoformat(),
        "unit_code": root.code,
        "unit_name": root.full_name,
        "indicators": [
            {"code": i.code, "name": i.name, "measure": i.measure, "group": i.group, "source": i.source}
            for i in INDICATORS
        ],
        "rows": [
            {
                "unit_code": r.unit.code,
                "unit_name": r.unit.full_name,
                "status": r.status,
                "values": {k: _json_number(v) for k, v in r.values.items()},
            }
            for r in data.rows
        ],
        "totals": {k: _json_number(v) for k, v in data.totals.items()},
        "missing": [u.code for u in data.missing],
    }


@router.get(
    "/{period}/communes/{code}",
    response={200: CommuneReportOut, 404: ErrorOut, 422: ErrorOut},
    summary="A commune's report: status, entered figures with their sources, computed figures, versions",
)
def commune_report(request: HttpRequest, period: str, code: str) -> Any:
    parsed = _period(period)
    return _detail(parsed, scoped.commune_or_404(request.user, code))


@router.put(
    "/{period}/communes/{code}",
    response={200: CommuneReportOut, 404: ErrorOut, 422: ErrorOut},
    summary="Enter, change or erase (value null, with a reason) a commune's figures (all or nothing; refused "
    "figures: 422, one detail each)",
)
def save_commune_figures(request: HttpRequest, period: str, code: str, payload: FiguresIn) -> Any:
    parsed = _period(period)
    report = _writable_report(request, parsed, code)
    erased = {k: f.reason for k, f in payload.figures.items() if f.value is None}
    figures = {k: Figure(f.value, f.source) for k, f in payload.figures.items() if f.value is not None}
    with transaction.atomic():
        if erased:
            cycles.clear_figures(actor=request.user, report=report, reasons=erased)
        if figures or not erased:
            cycles.save_figures(actor=request.user, report=report, figures=figures)
    return _detail(parsed, report.unit)


@router.post(
    "/{period}/communes/{code}/submit",
    response={200: CommuneReportOut, 404: ErrorOut, 422: ErrorOut},
    summary="Send the commune's report to the province (every entered indicator must be filled)",
)
def submit_commune_report(request: HttpRequest, period: str, code: str) -> Any:
    parsed = _period(period)
    report = _writable_report(request, parsed, code)
    cycles.submit(actor=request.user, report=report)
    return _detail(parsed, report.unit)
