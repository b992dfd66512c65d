"""How feedback is sorted and routed: categories (Open311 services), routing rules, API clients."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class FeedbackCategory(models.Model):
    """A policy area citizens can report on; its ``code`` is the Open311 ``service_code``."""

    code = models.SlugField("mã (service_code)", max_length=64, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=200)
    description = models.CharField("mô tả", max_length=500, blank=True)
    group = models.CharField("nhóm", max_length=100, blank=True)
    keywords = models.CharField("từ khoá", max_length=300, blank=True)
    deadline_days = models.PositiveSmallIntegerField("thời hạn xử lý (ngày)", default=10)
    active = models.BooleanField("đang nhận", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        verbose_name = "lĩnh vực phản ánh"
        verbose_name_plural = "lĩnh vực phản ánh"

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category × place → who handles it. The most specific rule wins: a rule for the feedback's commune
    beats one for the province; a rule naming the category beats one for every category. With no rule,
    the commune where the feedback is placed handles it."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    category = models.ForeignKey(
        FeedbackCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Địa bàn áp dụng: tỉnh hoặc một xã, phường.",
    )
    handling_unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị xử lý"
    )
    handling_organisation = models.ForeignKey(
        "units.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan xử lý",
    )
    deadline_days = models.PositiveSmallIntegerField("thời hạn riêng (ngày)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("unit__path", "category__code")
        verbose_name = "quy tắc chuyển xử lý"
        verbose_name_plural = "quy tắc chuyển xử lý"
        constraints = (
            # One rule per (category, place), and one catch-all rule per place (written as two conditional
            # constraints: SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["category", "unit"],
                condition=models.Q(category__isnull=False),
                name="feedback_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(category__isnull=True), name="feedback_rule_unique_any"
            ),
        )

    def __str__(self) -> str:
        return f"{self.category_id or '*'} @ {self.unit_id}"


class ApiClient(models.Model):
    """A program allowed to submit feedback (Open311 ``api_key``, the central mobile app). Only a hash of
    the key is stored; the key is shown once when created."""

    name = models.CharField("tên ứng dụng", max_length=200)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8)
    channel = models.CharField(max_length=16, default="open311")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "ứng dụng gửi phản ánh"
        verbose_name_plural = "ứng dụng gửi phản ánh"

    def __str__(self) -> str:
        return self.name
