"""Editable vocabularies: essential-information categories (NĐ 49/2024) and workflow policies."""

from __future__ import annotations

from django.db import models

from nguon.content.choices import SourceLevel


class Category(models.Model):
    """An essential-information category (NĐ 49/2024, Article 6), kept as data administrators edit.

    ``group`` is the article's clause: 1 policy and law, 2 information for local life, 3 leadership and
    administration of the locality.
    """

    code = models.SlugField("mã", max_length=64, unique=True)
    name = models.CharField("tên", max_length=255)
    group = models.PositiveSmallIntegerField("nhóm (khoản Điều 6)", default=2)
    description = models.TextField("mô tả", blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "lĩnh vực thông tin thiết yếu"
        verbose_name_plural = "lĩnh vực thông tin thiết yếu"
        ordering = ("sort_order", "name")

    def __str__(self) -> str:
        return self.name


class LegacyCategory(models.Model):
    """A category of the repealed QĐ 52/2016 and the NĐ 49/2024 category it maps to (for old data)."""

    code = models.SlugField("mã", max_length=64, unique=True)
    name = models.CharField("tên theo QĐ 52/2016", max_length=255)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="legacy_categories")

    class Meta:
        verbose_name = "lĩnh vực cũ (QĐ 52/2016)"
        verbose_name_plural = "lĩnh vực cũ (QĐ 52/2016)"
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.name} → {self.category}"


class WorkflowPolicy(models.Model):
    """How bulletins of one source level move: whether the editorial board appraises them, where they
    are approved, and how long each step may wait before it is overdue."""

    source_level = models.CharField("nguồn tin", max_length=16, choices=SourceLevel.choices, unique=True)
    requires_appraisal = models.BooleanField(
        "cần ban biên tập thẩm định", default=True, help_text="Tắt: bản tin gửi thẳng tới người phê duyệt."
    )
    approve_at_province = models.BooleanField(
        "phê duyệt ở cấp tỉnh",
        default=True,
        help_text="Tắt: người phê duyệt của chính đơn vị soạn tin (xã, phường) phê duyệt.",
    )
    appraise_hours = models.PositiveSmallIntegerField("hạn thẩm định (giờ)", default=24)
    approve_hours = models.PositiveSmallIntegerField("hạn phê duyệt (giờ)", default=24)
    revise_hours = models.PositiveSmallIntegerField("hạn sửa khi bị trả lại (giờ)", default=48)
    inbox_hours = models.PositiveSmallIntegerField("hạn xã quyết định nhận tin (giờ)", default=24)

    class Meta:
        verbose_name = "quy trình duyệt tin"
        verbose_name_plural = "quy trình duyệt tin"
        ordering = ("source_level",)

    def __str__(self) -> str:
        return str(self.get_source_level_display())
