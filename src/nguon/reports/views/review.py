"""Screens: the province's review of a period's round — open it, see every commune's status, return a
report with a reason or accept it, lock the round (after a confirmation). After the lock everything is
read-only and the page says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from nguon.core import access
from nguon.reports import periods
from nguon.reports.choices import ReportStatus
from nguon.reports.forms import ENTERED_INDICATORS, LockForm, ReturnForm
from nguon.reports.models import CommuneReport, ReportCycle
from nguon.reports.selectors import scoped
from nguon.reports.selectors.tables import communes_of
from nguon.reports.services import cycles
from nguon.reports.views import common
from nguon.units.models import AdministrativeUnit


@dataclass(frozen=True)
class Line:
    unit: AdministrativeUnit
    report: CommuneReport | None
    status: str
    status_label: str
    figures: list[str]


def _lines(cycle: ReportCycle | None, communes: list[AdministrativeUnit]) -> list[Line]:
    reports: dict[int, CommuneReport] = {}
    if cycle is not None:
        for report in CommuneReport.objects.filter(cycle=cycle).prefetch_related("values"):
            reports[report.unit_id] = report
    lines = []
    for unit in communes:
        found = reports.get(unit.pk)
        values = {v.indicator: v.value for v in found.values.all()} if found else {}
        lines.append(
            Line(
                unit=unit,
                report=found,
                status=found.status if found else "",
                status_label=found.get_status_display() if found else _("Chưa nhập"),
                figures=[common.number(values.get(i.code)) for i in ENTERED_INDICATORS],
            )
        )
    return lines


def _report_or_404(request: HttpRequest, cycle: ReportCycle) -> CommuneReport:
    reports = CommuneReport.objects.filter(cycle=cycle).select_related("unit", "cycle")
    try:
        pk = int(request.POST.get("report", ""))
    except ValueError:
        raise Http404 from None
    return access.get_scoped_or_404(request.user, reports, access.REPORTS_CONSOLIDATE, pk=pk)


def _act(request: HttpRequest, period: periods.Period, cycle: ReportCycle | None) -> ReturnForm | None:
    """Carry out the posted action; a ReturnForm with errors comes back to be shown."""
    action = request.POST.get("action", "")
    if action == "open":
        cycles.open_cycle(actor=request.user, period=period.code)
        messages.success(request, _("Đã mở kỳ báo cáo %(period)s.") % {"period": period.code})
        return None
    if cycle is None:
        raise Http404
    if action == "lock":
        lock_form = LockForm(request.POST)
        if not lock_form.is_valid():
            for message in lock_form.errors.get("confirm", []):
                messages.error(request, str(message))
            return None
        cycles.lock(actor=request.user, cycle=cycle)
        messages.success(request, _("Đã khoá sổ kỳ báo cáo %(period)s.") % {"period": period.code})
        return None
    report = _report_or_404(request, cycle)
    if action == "accept":
        cycles.accept(actor=request.user, report=report)
        messages.success(request, _("Đã tiếp nhận báo cáo của %(unit)s.") % {"unit": report.unit.full_name})
        return None
    if action == "return":
        form = ReturnForm(request.POST, prefix=f"r{report.pk}")
        if not form.is_valid():
            return form
        cycles.return_report(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("Đã trả lại báo cáo của %(unit)s để sửa.") % {"unit": report.unit.full_name}
        )
        return None
    raise Http404


@login_required
def review(request: HttpRequest, period: str) -> HttpResponse:
    parsed = common.period_or_404(period)
    home = scoped.province()
    if not access.can(request.user, access.REPORTS_CONSOLIDATE, unit=home):
        raise Http404
    cycle = scoped.cycle_of(parsed)
    bad_return: ReturnForm | None = None
    bad_report = None
    if request.method == "POST":
        try:
            bad_return = _act(request, parsed, cycle)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        if bad_return is None:
            return redirect("reports:review", parsed.code)
        bad_report = int(request.POST.get("report", "0"))
        messages.error(request, _("Chưa trả lại: nêu lý do trả lại."))
    communes = communes_of(home)
    lines = _lines(cycle, communes)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status or "none"] = counts.get(line.status or "none", 0) + 1
    context: dict[str, Any] = {
        "period": parsed,
        "periods": common.choices(parsed),
        "cycle": cycle,
        "locked": cycle is not None and cycle.locked_at is not None,
        "lines": lines,
        "entered": ENTERED_INDICATORS,
        "submitted": ReportStatus.SUBMITTED,
        "counts": {
            "none": counts.get("none", 0) + counts.get(ReportStatus.DRAFT, 0),
            "submitted": counts.get(ReportStatus.SUBMITTED, 0),
            "returned": counts.get(ReportStatus.RETURNED, 0),
            "accepted": counts.get(ReportStatus.ACCEPTED, 0),
        },
        "bad_return": bad_return,
        "bad_report": bad_report,
        "lock_form": LockForm(),
    }
    return render(request, "reports/review.html", context)


urlpatterns: list[URLPattern] = [
    path("<str:period>/review/", review, name="review"),
]
