"""Screens: the indicator table of a period for the person's scope (the province with every commune and
the totals, or their own commune), the period picker, and the downloads (xlsx, docx, pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from nguon.core import access
from nguon.reports import periods
from nguon.reports.choices import ReportStatus
from nguon.reports.indicators import ENTERED, INDICATORS, Indicator
from nguon.reports.render.pdf import RenderError
from nguon.reports.selectors import scoped
from nguon.reports.selectors.tables import Row, table
from nguon.reports.services import rendering
from nguon.reports.views import common
from nguon.units.choices import UnitLevel

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
STATUS_LABELS = dict(ReportStatus.choices)


@dataclass(frozen=True)
class Column:
    indicator: Indicator
    total: str


@dataclass(frozen=True)
class Line:
    row: Row
    cells: list[str]
    status_label: str


def _lines(rows: list[Row]) -> list[Line]:
    return [
        Line(
            row=row,
            cells=[common.number(row.values.get(i.code)) for i in INDICATORS],
            status_label=str(STATUS_LABELS.get(row.status, _("Chưa nhập"))),
        )
        for row in rows
    ]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    visible = scoped.roots(request.user)
    if not visible:
        raise Http404
    code = request.GET.get("period", "").strip()
    period = periods.current(common.today())
    if code:
        try:
            period = periods.parse(code)
        except periods.PeriodCodeError as error:
            messages.error(request, str(error))
            return redirect("reports:index")
    root = scoped.root_or_404(request.user, request.GET.get("unit"))
    data = table(period, root)
    cycle = scoped.cycle_of(period)
    home = scoped.province()
    lines = _lines(data.rows)
    context: dict[str, Any] = {
        "period": period,
        "periods": common.choices(period),
        "root": root,
        "roots": visible,
        "is_province": root.level == UnitLevel.PROVINCE,
        "table": data,
        "columns": [Column(i, common.number(data.totals.get(i.code))) for i in INDICATORS],
        "lines": lines,
        "pairs": list(zip(INDICATORS, lines[0].cells, strict=True)) if lines else [],
        "entered_codes": [i.code for i in INDICATORS if i.source == ENTERED],
        "cycle": cycle,
        "may_consolidate": access.can(request.user, access.REPORTS_CONSOLIDATE, unit=home),
        "formats": rendering.FORMATS,
    }
    return render(request, "reports/index.html", context)


@login_required
def download(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    parsed = common.period_or_404(period)
    if fmt not in rendering.FORMATS:
        raise Http404
    unit = scoped.root_or_404(request.user, request.GET.get("unit"))
    try:
        body = rendering.render(parsed.code, fmt, unit)
    except RenderError as error:
        messages.error(request, _("Không tạo được tệp PDF: %(error)s") % {"error": error})
        return redirect(f"{reverse('reports:index')}?period={parsed.code}&unit={unit.code}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{parsed.code}-{unit.code}.{fmt}"'
    return response


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("<str:period>/download.<str:fmt>", download, name="download"),
]
