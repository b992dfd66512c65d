"""Programmes (a recurring slot with a running order), their materialised occurrences, and running orders."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from nguon.core.access import Scope
from nguon.radio.choices import ItemKind, OccurrenceStatus, TargetKind


class Programme(models.Model):
    """A commune's recurring programme: when it airs (an RFC 5545 RRULE and/or chosen dates, a local start
    time and a slot length), where (the whole commune, residential units or device groups) and what (its
    running order). Occurrences are materialised from it, so one day can be changed on its own."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="xã/phường",
    )
    title = models.CharField("tên chương trình", max_length=200)
    description = models.CharField("mô tả", max_length=500, blank=True)
    rrule = models.CharField(
        "quy tắc lặp (RRULE)",
        max_length=300,
        blank=True,
        help_text="RFC 5545 recurrence without DTSTART, e.g. FREQ=DAILY or FREQ=WEEKLY;BYDAY=MO,WE,FR. "
        "Empty: only the chosen dates.",
    )
    rdates = models.JSONField("các ngày được chọn", default=list, blank=True, help_text="ISO dates, local.")
    exdates = models.JSONField("các ngày bỏ qua", default=list, blank=True, help_text="ISO dates, local.")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)
    start_time = models.TimeField("giờ bắt đầu")
    duration_minutes = models.PositiveSmallIntegerField("thời lượng (phút)")
    target_kind = models.CharField(
        "phát tới", max_length=16, choices=TargetKind.choices, default=TargetKind.COMMUNE
    )
    residential_units = models.ManyToManyField(
        "units.AdministrativeUnit", blank=True, related_name="+", verbose_name="thôn, tổ dân phố"
    )
    device_groups = models.ManyToManyField(
        "devices.DeviceGroup", blank=True, related_name="programmes", verbose_name="nhóm thiết bị"
    )
    volume = models.PositiveSmallIntegerField("âm lượng", null=True, blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chương trình phát thanh"
        verbose_name_plural = "chương trình phát thanh"
        ordering = ("unit__path", "start_time", "title")
        constraints = (
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="radio_programme_duration_range",
            ),
        )

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """One airing of a programme on one local date. ``is_customised``: the day has its own running order
    (items with ``occurrence`` set) instead of the programme's."""

    access_scope: ClassVar[Scope] = Scope(unit_path="programme__unit__path")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField("ngày")
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc")
    status = models.CharField(
        max_length=16, choices=OccurrenceStatus.choices, default=OccurrenceStatus.SCHEDULED
    )
    is_customised = models.BooleanField("đã sửa riêng", default=False)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "buổi phát"
        verbose_name_plural = "buổi phát"
        ordering = ("starts_at",)
        constraints = (
            models.UniqueConstraint(fields=["programme", "date"], name="radio_occurrence_unique_day"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="radio_occurrence_order"
            ),
        )
        indexes = (models.Index(fields=["starts_at"]),)

    def __str__(self) -> str:
        return f"{self.programme} {self.date}"


class RunningOrderItem(models.Model):
    """One line of a running order: of a programme (the series) or of one customised occurrence."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=16, choices=ItemKind.choices)
    title = models.CharField("tiêu đề", max_length=300, blank=True)
    bulletin = models.ForeignKey(
        "content.Bulletin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    blob = models.ForeignKey(
        "content.MediaBlob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stream_url = models.URLField("địa chỉ luồng", blank=True)
    duration_seconds = models.PositiveIntegerField(
        "thời lượng (giây)", null=True, blank=True, help_text="For relays and silences; files have their own."
    )

    class Meta:
        verbose_name = "mục trong chương trình"
        verbose_name_plural = "mục trong chương trình"
        ordering = ("position", "pk")
        constraints = (
            models.CheckConstraint(
                condition=(Q(programme__isnull=False) & Q(occurrence__isnull=True))
                | (Q(programme__isnull=True) & Q(occurrence__isnull=False)),
                name="radio_item_one_owner",
            ),
        )

    def __str__(self) -> str:
        return self.title or self.kind
