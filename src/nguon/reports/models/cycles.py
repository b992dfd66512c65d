"""Report cycles: a period's reporting round, each commune's report in it, the figures it entered and
every version it submitted."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.reports.choices import ReportStatus


class ReportCycle(models.Model):
    """The round of one period ("2026-H1", "2026-Y") in one province. Locked when the province has
    consolidated it: nothing in it changes after that."""

    access_scope: ClassVar[Scope] = Scope(unit_path="province__path")

    province = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("kỳ báo cáo", max_length=8)
    opened_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-period",)
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = (models.UniqueConstraint(fields=["province", "period"], name="reports_cycle_unique"),)

    def __str__(self) -> str:
        return self.period


class CommuneReport(models.Model):
    """One commune's report in a cycle: the figures it entered; ``version`` counts its submissions."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    cycle = models.ForeignKey(ReportCycle, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.CharField("lý do trả lại", max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("cycle", "unit__code")
        constraints = (models.UniqueConstraint(fields=["cycle", "unit"], name="reports_commune_unique"),)

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.unit_id}"


class EnteredValue(models.Model):
    """A figure the system cannot derive, entered by the commune with a note of its source."""

    access_scope: ClassVar[Scope] = Scope(unit_path="report__unit__path")

    report = models.ForeignKey(CommuneReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=12, decimal_places=1)
    source = models.CharField("nguồn số liệu", max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ("report", "indicator")
        constraints = (models.UniqueConstraint(fields=["report", "indicator"], name="reports_value_unique"),)

    def __str__(self) -> str:
        return f"{self.indicator}={self.value}"


class ReportVersion(models.Model):
    """What a commune submitted, frozen: its entered figures and the computed ones as they were then."""

    access_scope: ClassVar[Scope] = Scope(unit_path="report__unit__path")

    report = models.ForeignKey(CommuneReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("report", "number")
        constraints = (models.UniqueConstraint(fields=["report", "number"], name="reports_version_unique"),)

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"
