"""Screen: feedback statistics for a period and a unit (/feedback/statistics/), with an .xlsx export.

Aggregates only (no personal data): anyone who reads reports (``reports.view``) over the unit sees them.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from nguon.core import access
from nguon.feedback.selectors import staff as staff_selectors
from nguon.feedback.selectors.statistics import Figures, Summary, summary
from nguon.units.models import AdministrativeUnit

COLUMNS = ("Tiếp nhận", "Đã xử lý", "Đúng hạn", "Quá hạn", "Trả lời lên đài", "Đã phát (biên nhận)")
_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="EEF1F4")


def _units(request: HttpRequest) -> list[AdministrativeUnit]:
    return list(access.scope(request.user, staff_selectors.province_units(), access.REPORTS_VIEW))


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _pick(request: HttpRequest) -> tuple[list[AdministrativeUnit], AdministrativeUnit, date, date]:
    units = _units(request)
    if not units:
        raise Http404
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None) if code else units[0]
    if unit is None:
        raise Http404
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(timezone.now(), zone).date()
    first = _day(request.GET.get("from"), today.replace(day=1))
    last = _day(request.GET.get("to"), today)
    if last < first:
        first, last = last, first
    return units, unit, first, last


def _summary(unit: AdministrativeUnit, first: date, last: date) -> Summary:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return summary(unit=unit, start=start, end=end, now=timezone.now())


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    units, unit, first, last = _pick(request)
    result = _summary(unit, first, last)
    return render(
        request,
        "feedback/staff_statistics.html",
        {
            "units": units,
            "unit": unit,
            "first": first,
            "last": last,
            "summary": result,
            "columns": COLUMNS,
            "sections": (
                (_("Theo đơn vị xử lý"), result.by_unit),
                (_("Theo lĩnh vực"), result.by_category),
                (_("Theo kênh tiếp nhận"), result.by_channel),
            ),
        },
    )


def _row(figures: Figures) -> list[int]:
    return [
        figures.received,
        figures.handled,
        figures.on_time,
        figures.overdue,
        figures.answers_aired,
        figures.answers_played,
    ]


def workbook_bytes(result: Summary, first: date, last: date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Phản ánh, kiến nghị"
    sheet["A1"] = "THỐNG KÊ TIẾP NHẬN VÀ XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Đơn vị: {result.unit.full_name} (mã {result.unit.code})"
    sheet["A3"] = f"Tiếp nhận từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
    row = 5
    for title, bucket in (
        ("Tổng cộng", {"Tổng cộng": result.total}),
        ("Theo đơn vị xử lý", result.by_unit),
        ("Theo lĩnh vực", result.by_category),
        ("Theo kênh tiếp nhận", result.by_channel),
    ):
        sheet.cell(row=row, column=1, value=title).font = _BOLD
        for col, header in enumerate(COLUMNS, start=2):
            cell = sheet.cell(row=row, column=col, value=header)
            cell.font, cell.fill = _BOLD, _FILL
        row += 1
        for label, figures in bucket.items():
            sheet.cell(row=row, column=1, value=label)
            for col, value in enumerate(_row(figures), start=2):
                sheet.cell(row=row, column=col, value=value)
            row += 1
        row += 1
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    _, unit, first, last = _pick(request)
    body = workbook_bytes(_summary(unit, first, last), first, last)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="phan-anh-{unit.code}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
    )
    return response


urlpatterns: list[URLPattern] = [
    path("statistics/", statistics_view, name="statistics"),
    path("statistics/export.xlsx", statistics_export, name="statistics-export"),
]
