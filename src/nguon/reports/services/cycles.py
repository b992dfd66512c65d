"""Report cycles: the province opens a period's round, communes enter the figures the system cannot derive
and submit, the province returns a report for correction or accepts it, then locks the round.

Nothing is overwritten silently: a commune's figures change only while its report is a draft or returned
and the round is open; every submission is kept as a numbered version; after the lock every write is
refused with a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.reports import periods
from nguon.reports.choices import EDITABLE, ReportStatus
from nguon.reports.indicators import ENTERED, INDICATORS, by_code
from nguon.reports.models import CommuneReport, EnteredValue, ReportCycle, ReportVersion
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: No commune figure of this report can be larger (people, websites…): larger is a typing mistake.
MAX_VALUE = Decimal(1_000_000)
LOCKED = "Kỳ báo cáo {period} đã khoá sổ; không thể thay đổi số liệu."


@dataclass(frozen=True)
class Figure:
    value: Any
    source: str


def _province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(
        code=settings.NGUON_PROVINCE_CODE, level=UnitLevel.PROVINCE, is_current=True
    )


def open_cycle(*, actor: Any, period: str) -> ReportCycle:
    """Open (or return the already open) round of ``period`` for the installation's province."""
    parsed = periods.parse(period)
    province = _province()
    access.require(actor, access.REPORTS_CONSOLIDATE, unit=province)
    with transaction.atomic():
        cycle, created = ReportCycle.objects.get_or_create(
            province=province, period=parsed.code, defaults={"opened_at": timezone.now()}
        )
        if created:
            audit.record(
                actor=actor,
                action="reports.cycle.open",
                target=cycle,
                unit=province,
                after={"period": parsed.code},
            )
    return cycle


def report_for(*, actor: Any, cycle: ReportCycle, unit: AdministrativeUnit) -> CommuneReport:
    """The commune's report in ``cycle`` (made on first use)."""
    if unit.level != UnitLevel.COMMUNE or not unit.path.startswith(cycle.province.path):
        raise ValidationError({"unit": "Chỉ xã, phường của tỉnh lập báo cáo này."})
    access.require(actor, access.REPORTS_SUBMIT, unit=unit)
    report, _ = CommuneReport.objects.get_or_create(cycle=cycle, unit=unit)
    return report


def _locked_report(report: CommuneReport) -> CommuneReport:
    report = (
        CommuneReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit")
        .get(pk=report.pk)
    )
    if report.cycle.locked_at is not None:
        raise ValidationError(LOCKED.format(period=report.cycle.period))
    return report


def clean_figures(figures: dict[str, Figure]) -> dict[str, tuple[Decimal, str]]:
    """Check entered figures; one ValidationError names every bad one (Vietnamese)."""
    errors: dict[str, str] = {}
    cleaned: dict[str, tuple[Decimal, str]] = {}
    for code, figure in figures.items():
        try:
            indicator = by_code(code)
        except KeyError:
            errors[code] = "Chỉ tiêu không tồn tại."
            continue
        if indicator.source != ENTERED:
            errors[code] = "Chỉ tiêu này hệ thống tự tính; không nhập tay."
            continue
        try:
            value = Decimal(str(figure.value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            errors[code] = "Giá trị phải là một số."
            continue
        if not value.is_finite():
            errors[code] = "Giá trị phải là một số."
        elif value < 0:
            errors[code] = "Giá trị không được âm."
        elif value > MAX_VALUE:
            errors[code] = f"Giá trị lớn bất thường (trên {MAX_VALUE:,.0f}); kiểm tra lại."
        elif indicator.integer and value != value.to_integral_value():
            errors[code] = f"{indicator.name} phải là số nguyên."
        source = nfc(figure.source or "")
        if not source and code not in errors:
            errors[code] = "Ghi rõ nguồn số liệu (văn bản, sổ theo dõi…)."
        if code not in errors:
            cleaned[code] = (value, source[:300])
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_figures(*, actor: Any, report: CommuneReport, figures: dict[str, Figure]) -> CommuneReport:
    """Enter or change the commune's figures (all-or-nothing)."""
    access.require(actor, access.REPORTS_SUBMIT, unit=report.unit)
    cleaned = clean_figures(figures)
    with transaction.atomic():
        report = _locked_report(report)
        if report.status not in EDITABLE:
            raise _not_editable(report)
        before = {v.indicator: str(v.value) for v in report.values.all()}
        now = timezone.now()
        for code, (value, source) in cleaned.items():
            EnteredValue.objects.update_or_create(
                report=report,
                indicator=code,
                defaults={
                    "value": value,
                    "source": source,
                    "entered_by": actor if getattr(actor, "pk", None) else None,
                    "entered_at": now,
                },
            )
        audit.record(
            actor=actor,
            action="reports.figures.save",
            target=report,
            unit=report.unit,
            before=before,
            after={code: str(v) for code, (v, _) in cleaned.items()},
        )
    return report


def _not_editable(report: CommuneReport) -> ValidationError:
    return ValidationError(
        f"Báo cáo đang ở trạng thái “{report.get_status_display()}”; chỉ sửa khi đang nhập hoặc bị trả lại."
    )


def clear_figures(*, actor: Any, report: CommuneReport, reasons: dict[str, str]) -> CommuneReport:
    """Erase figures the commune entered (``{indicator code: why}``), all or nothing: only while the
    report is a draft or returned and the round is open, each with a reason. The audit event keeps the
    erased value and source; the versions already submitted keep theirs. A cleared indicator must be
    entered again before the report can be submitted."""
    access.require(actor, access.REPORTS_SUBMIT, unit=report.unit)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for code, reason in reasons.items():
        try:
            indicator = by_code(code)
        except KeyError:
            errors[code] = "Chỉ tiêu không tồn tại."
            continue
        if indicator.source != ENTERED:
            errors[code] = "Chỉ tiêu này hệ thống tự tính; không xoá được."
            continue
        why = nfc(reason or "")
        if not why:
            errors[code] = f"Nêu lý do xoá số liệu “{indicator.name}”."
            continue
        cleaned[code] = why[:300]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = _locked_report(report)
        if report.status not in EDITABLE:
            raise _not_editable(report)
        entered = {v.indicator: v for v in report.values.all()}
        absent = {code: "Chưa có số liệu đã nhập để xoá." for code in cleaned if code not in entered}
        if absent:
            raise ValidationError(absent)
        for code, why in cleaned.items():
            value = entered[code]
            audit.record(
                actor=actor,
                action="reports.figures.clear",
                target=report,
                unit=report.unit,
                before={"indicator": code, "value": str(value.value), "source": value.source},
                after={"indicator": code, "value": None, "reason": why},
            )
            value.delete()
        report.save(update_fields=["updated_at"])
    return report


def submit(*, actor: Any, report: CommuneReport) -> ReportVersion:
    """Send the report to the province: every entered indicator must be filled; a new version is frozen
    with the computed figures as they stand now."""
    from nguon.reports.selectors.tables import commune_snapshot

    access.require(actor, access.REPORTS_SUBMIT, unit=report.unit)
    with transaction.atomic():
        report = _locked_report(report)
        if report.status not in EDITABLE:
            raise ValidationError("Báo cáo đã được gửi.")
        entered = {v.indicator for v in report.values.all()}
        missing = [i.name for i in INDICATORS if i.source == ENTERED and i.code not in entered]
        if missing:
            raise ValidationError("Chưa nhập: " + "; ".join(missing) + ".")
        now = timezone.now()
        report.version += 1
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor if getattr(actor, "pk", None) else None
        report.return_reason = ""
        report.save()
        version = ReportVersion.objects.create(
            report=report,
            number=report.version,
            snapshot=commune_snapshot(report),
            created_at=now,
            created_by=report.submitted_by,
        )
        audit.record(
            actor=actor,
            action="reports.submit",
            target=report,
            unit=report.unit,
            after={"version": report.version},
        )
    return version


def return_report(*, actor: Any, report: CommuneReport, reason: str) -> CommuneReport:
    """The province sends a submitted report back for correction, saying why."""
    access.require(actor, access.REPORTS_CONSOLIDATE, unit=report.unit)
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": "Nêu lý do trả lại."})
    with transaction.atomic():
        report = _locked_report(report)
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError("Chỉ trả lại báo cáo đã gửi.")
        report.status = ReportStatus.RETURNED
        report.return_reason = reason[:1000]
        report.save(update_fields=["status", "return_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="reports.return",
            target=report,
            unit=report.unit,
            after={"reason": report.return_reason},
        )
    return report


def accept(*, actor: Any, report: CommuneReport) -> CommuneReport:
    access.require(actor, access.REPORTS_CONSOLIDATE, unit=report.unit)
    with transaction.atomic():
        report = _locked_report(report)
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError("Chỉ tiếp nhận báo cáo đã gửi.")
        report.status = ReportStatus.ACCEPTED
        report.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="reports.accept", target=report, unit=report.unit)
    return report


def lock(*, actor: Any, cycle: ReportCycle) -> ReportCycle:
    """Close the round: from now on nothing in it changes."""
    access.require(actor, access.REPORTS_CONSOLIDATE, unit=cycle.province)
    with transaction.atomic():
        cycle = ReportCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.locked_at is not None:
            raise ValidationError(LOCKED.format(period=cycle.period))
        cycle.locked_at = timezone.now()
        cycle.locked_by = actor if getattr(actor, "pk", None) else None
        cycle.save(update_fields=["locked_at", "locked_by"])
        audit.record(actor=actor, action="reports.cycle.lock", target=cycle, unit=cycle.province)
    return cycle
