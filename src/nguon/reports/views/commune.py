"""Screens: one commune's report in a period — the computed figures (read-only), the entered figures form
(value and source), its status, the versions it submitted (each one viewable), Save and Submit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from nguon.core import access
from nguon.reports import periods
from nguon.reports.choices import EDITABLE, ReportStatus
from nguon.reports.forms import FiguresForm, source_field, value_field
from nguon.reports.indicators import ENTERED, INDICATORS, by_code
from nguon.reports.models import CommuneReport, ReportCycle, ReportVersion
from nguon.reports.selectors import scoped
from nguon.reports.selectors.tables import table
from nguon.reports.services import cycles
from nguon.reports.views import common
from nguon.units.models import AdministrativeUnit


def _initial(report: CommuneReport | None) -> dict[str, str]:
    if report is None:
        return {}
    initial: dict[str, str] = {}
    for value in report.values.all():
        initial[value_field(value.indicator)] = common.number(value.value).replace(".", "")
        initial[source_field(value.indicator)] = value.source
    return initial


def _why_read_only(
    cycle: ReportCycle | None, report: CommuneReport | None, may_submit: bool, period: periods.Period
) -> str:
    if not may_submit:
        return ""
    if cycle is None:
        return _("Tỉnh chưa mở kỳ báo cáo %(period)s; chưa nhập được số liệu.") % {"period": period.code}
    if cycle.locked_at is not None:
        return cycles.LOCKED.format(period=period.code)
    if report is not None and report.status not in EDITABLE:
        return _("Báo cáo đã gửi (%(status)s); chỉ sửa được khi tỉnh trả lại.") % {
            "status": report.get_status_display()
        }
    return ""


def _save(request: HttpRequest, form: FiguresForm, cycle: ReportCycle, unit: AdministrativeUnit) -> bool:
    """Save (and, with the Submit button, submit) in one transaction: a refusal changes nothing."""
    sending = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            report = cycles.report_for(actor=request.user, cycle=cycle, unit=unit)
            erased = form.erased()
            if erased:
                cycles.clear_figures(actor=request.user, report=report, reasons=erased)
            figures = form.figures()
            if figures:
                cycles.save_figures(actor=request.user, report=report, figures=figures)
            if sending:
                version = cycles.submit(actor=request.user, report=report)
    except ValidationError as error:
        errors = common.FieldErrors.of(error)
        form.add_service_errors({k: v for k, v in errors.by_field.items() if k not in ("", "__all__")})
        for message in errors.general():
            form.add_error(None, message)
        return False
    if sending:
        messages.success(request, _("Đã gửi báo cáo lên tỉnh (lần %(number)s).") % {"number": version.number})
    elif erased:
        messages.success(
            request, _("Đã xoá %(count)s số liệu và lưu. Báo cáo chưa gửi lên tỉnh.") % {"count": len(erased)}
        )
    else:
        messages.success(request, _("Đã lưu số liệu. Báo cáo chưa gửi lên tỉnh."))
    return True


@login_required
def commune_report(request: HttpRequest, period: str, code: str) -> HttpResponse:
    parsed = common.period_or_404(period)
    unit = scoped.commune_or_404(request.user, code)
    cycle = scoped.cycle_of(parsed)
    report = scoped.report_of(cycle, unit)
    may_submit = access.can(request.user, access.REPORTS_SUBMIT, unit=unit)
    read_only = _why_read_only(cycle, report, may_submit, parsed)
    editable = may_submit and not read_only
    if request.method == "POST":
        if not may_submit:
            raise Http404
        if not editable or cycle is None:
            messages.error(request, read_only)
            return redirect("reports:commune", parsed.code, unit.code)
        form = FiguresForm(request.POST)
        if form.is_valid() and _save(request, form, cycle, unit):
            return redirect("reports:commune", parsed.code, unit.code)
        failed = True
    else:
        form = FiguresForm(initial=_initial(report), disabled=not editable)
        failed = False
    row = table(parsed, unit).rows[0]
    computed = [(i, common.number(row.values.get(i.code))) for i in INDICATORS if i.source != ENTERED]
    context: dict[str, Any] = {
        "period": parsed,
        "unit": unit,
        "cycle": cycle,
        "report": report,
        "status_label": report.get_status_display() if report else _("Chưa nhập"),
        "returned": report is not None and report.status == ReportStatus.RETURNED,
        "computed": computed,
        "form": form,
        "failed": failed,
        "may_submit": may_submit,
        "editable": editable,
        "read_only": read_only,
        "versions": list(report.versions.order_by("-number")) if report else [],
        "saved_codes": {v.indicator for v in report.values.all()} if report else set(),
        "may_consolidate": access.can(request.user, access.REPORTS_CONSOLIDATE, unit=unit),
    }
    return render(request, "reports/commune.html", context)


def _shown(value: Any) -> str:
    try:
        return common.number(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@login_required
def version_view(request: HttpRequest, period: str, code: str, number: int) -> HttpResponse:
    parsed = common.period_or_404(period)
    unit = scoped.commune_or_404(request.user, code)
    versions = ReportVersion.objects.filter(
        report__cycle__period=parsed.code, report__unit=unit
    ).select_related("created_by")
    version = access.get_scoped_or_404(request.user, versions, access.REPORTS_VIEW, number=number)
    snapshot: dict[str, Any] = version.snapshot or {}

    def _name(code: str) -> str:
        try:
            return by_code(code).name
        except KeyError:
            return code

    computed = [(_name(c), _shown(v)) for c, v in (snapshot.get("computed") or {}).items()]
    entered = [
        (_name(c), _shown(f.get("value")), f.get("source", ""))
        for c, f in (snapshot.get("entered") or {}).items()
    ]
    return render(
        request,
        "reports/version.html",
        {"period": parsed, "unit": unit, "version": version, "computed": computed, "entered": entered},
    )


urlpatterns: list[URLPattern] = [
    path("<str:period>/commune/<str:code>/", commune_report, name="commune"),
    path("<str:period>/commune/<str:code>/versions/<int:number>/", version_view, name="version"),
]
