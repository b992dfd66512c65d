"""Đề án 614 (QĐ 614/QĐ-UBND, 19/3/2024): its targets with their measured values over time, and the ten
annex tasks with their progress updates. Everything belongs to the province that runs the plan (``unit``)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nguon.content.models import MediaBlob
from nguon.core.access import Scope
from nguon.plan614.choices import FundingSource, Horizon, MeasureMethod, MeasureUnit, TaskStatus
from nguon.units.models import AdministrativeUnit, Organisation


class Target(models.Model):
    """One quantified goal of the Đề án (e.g. "100% xã có đài truyền thanh ứng dụng CNTT-VT" by 2030).

    ``method`` says where values come from: ``computed`` (``computed_key`` names a function of
    ``plan614.measures`` or a computed reports indicator) or ``entered`` by the editorial board with evidence.
    Targets are "at least" goals: higher values are better.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField("mã", max_length=32)
    wording = models.TextField("nội dung mục tiêu")
    section = models.CharField("mục của Đề án", max_length=120, blank=True)
    horizon = models.PositiveSmallIntegerField("mốc", choices=Horizon.choices)
    measure_unit = models.CharField("đơn vị đo", max_length=16, choices=MeasureUnit.choices)
    target_value = models.DecimalField(
        "giá trị mục tiêu", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    method = models.CharField("cách đo", max_length=16, choices=MeasureMethod.choices)
    computed_key = models.CharField("chỉ số tính tự động", max_length=64, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mục tiêu Đề án 614"
        verbose_name_plural = "mục tiêu Đề án 614"
        ordering = ("horizon", "position", "code")
        constraints = (
            models.UniqueConstraint(fields=["unit", "code"], name="plan614_target_code"),
            models.CheckConstraint(condition=Q(target_value__gte=0), name="plan614_target_value_gte_0"),
        )

    def __str__(self) -> str:
        return f"{self.code}: {self.wording[:60]}"

    @property
    def horizon_date(self) -> date:
        """The day the target must be met: 31/12 of the horizon year."""
        return date(self.horizon, 12, 31)


class Measurement(models.Model):
    """The value of a target as of one day: computed by ``measure_all`` or entered with evidence.
    One per target and day (measuring again the same day replaces it)."""

    access_scope: ClassVar[Scope] = Scope(unit_path="target__unit__path")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField("số liệu tính đến ngày")
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=2)
    source = models.CharField("nguồn", max_length=16, choices=MeasureMethod.choices)
    evidence = models.ForeignKey(MediaBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence_name = models.CharField("tên tệp minh chứng", max_length=255, blank=True)
    evidence_link = models.URLField("liên kết minh chứng", max_length=500, blank=True)
    note = models.TextField("ghi chú", blank=True)
    detail = models.JSONField("chi tiết cách tính", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField("người/tác nhân ghi", max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "số đo mục tiêu"
        verbose_name_plural = "số đo mục tiêu"
        ordering = ("target", "measured_on")
        constraints = (
            models.UniqueConstraint(fields=["target", "measured_on"], name="plan614_measurement_day"),
            models.CheckConstraint(condition=Q(value__gte=0), name="plan614_measurement_value_gte_0"),
        )

    def __str__(self) -> str:
        return f"{self.target.code} {self.measured_on}: {self.value}"


class Task(models.Model):
    """One task of the annex ("Danh mục các nhiệm vụ"): who leads it and who supports it (organisations
    and/or units — a unit lead covers the people of that unit and of every unit below it), how it is
    funded and when it runs. ``lead_text``/``partner_text`` keep the annex wording verbatim."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("số thứ tự")
    title = models.TextField("tên nhiệm vụ")
    description = models.TextField("mô tả", blank=True)
    lead_text = models.TextField("đơn vị chủ trì (theo Phụ lục)", blank=True)
    partner_text = models.TextField("đơn vị phối hợp (theo Phụ lục)", blank=True)
    lead_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="plan614_tasks_led", verbose_name="tổ chức chủ trì"
    )
    lead_units = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="plan614_tasks_led", verbose_name="đơn vị chủ trì"
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="plan614_tasks_supported", verbose_name="tổ chức phối hợp"
    )
    partner_units = models.ManyToManyField(
        AdministrativeUnit,
        blank=True,
        related_name="plan614_tasks_supported",
        verbose_name="đơn vị phối hợp",
    )
    funding = models.JSONField("nguồn kinh phí", default=list)
    period_start = models.DateField("bắt đầu")
    period_end = models.DateField("kết thúc")
    period_text = models.CharField("thời gian (theo Phụ lục)", max_length=60, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ Đề án 614"
        verbose_name_plural = "nhiệm vụ Đề án 614"
        ordering = ("number",)
        constraints = (
            models.UniqueConstraint(fields=["unit", "number"], name="plan614_task_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan614_task_period"
            ),
        )

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:60]}"

    @property
    def funding_labels(self) -> list[str]:
        return [str(FundingSource(code).label) for code in self.funding if code in FundingSource.values]


class ProgressUpdate(models.Model):
    """A lead or partner reporting how far a task has come: percent complete, what was done, evidence."""

    access_scope: ClassVar[Scope] = Scope(unit_path="task__unit__path")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField("ngày báo cáo")
    percent = models.PositiveSmallIntegerField(
        "tỷ lệ hoàn thành (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField("nội dung đã thực hiện")
    evidence = models.ForeignKey(MediaBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence_name = models.CharField("tên tệp minh chứng", max_length=255, blank=True)
    evidence_link = models.URLField("liên kết minh chứng", max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by_label = models.CharField("người/tác nhân báo cáo", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cập nhật tiến độ"
        verbose_name_plural = "cập nhật tiến độ"
        ordering = ("task", "reported_on", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="plan614_update_percent_0_100"
            ),
        )

    def __str__(self) -> str:
        return f"{self.task.number} {self.reported_on}: {self.percent}%"
