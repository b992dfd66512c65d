"""Administrative units of the two-tier administration (and the three-tier one before 1/7/2025)
and the organisations attached to them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope
from nguon.units.choices import OrganisationKind, UnitKind, UnitLevel


class AdministrativeUnit(models.Model):
    """A province, a (pre-2025) district, a commune/ward or a residential unit (thôn, xóm, tổ dân phố).

    Official units carry their QĐ 19/2025 code (2-digit province, 5-digit commune); pre-2025 units are kept
    with ``is_current=False`` and their successors. ``path`` is the materialised position in the tree
    ("19/05569/" for xã Định Hóa; historical units start with "h"), so "this unit and everything below it"
    is one indexed prefix match — the basis of scoped access.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="path")

    code = models.CharField("mã", max_length=32, db_index=True)
    name = models.CharField("tên", max_length=200)
    full_name = models.CharField("tên đầy đủ", max_length=240)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    level = models.CharField("cấp", max_length=20, choices=UnitLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cha",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField("mã tỉnh", max_length=2, db_index=True)
    path = models.CharField("đường dẫn cây", max_length=120, unique=True)
    search_key = models.CharField("khóa tìm kiếm", max_length=240, db_index=True, editable=False)
    is_current = models.BooleanField("đang hiệu lực", default=True, db_index=True)
    latitude = models.DecimalField("vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("kinh độ", max_digits=9, decimal_places=6, null=True, blank=True)
    area_km2 = models.DecimalField("diện tích (km²)", max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ("path",)
        indexes = (models.Index(fields=("province_code", "level", "is_current")),)

    def __str__(self) -> str:
        return self.full_name

    @property
    def default_successor(self) -> AdministrativeUnit | None:
        """The unit that took over this one (the default one when it was split), or None."""
        link = self.successions_out.filter(is_default=True).select_related("successor").first()
        return link.successor if link else None


class UnitSuccession(models.Model):
    """One edge of the 2025 reform mapping: ``predecessor`` (pre-2025) became part of ``successor``.

    A commune split between several new units has one edge per new unit, one of them the default.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="successor__path")

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="successions_in")
    is_default = models.BooleanField(default=True)
    effective_on = models.DateField("hiệu lực từ")

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị"
        constraints = (
            models.UniqueConstraint(fields=("predecessor", "successor"), name="unique_unit_succession"),
        )

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Organisation(models.Model):
    """A body that writes, approves or relays information: a Sở, a commune People's Committee and its
    Phòng Văn hóa – Xã hội, a press agency, a mass organisation, a residential group.

    Names change (mergers, renames) and are data: ``name`` is the current one, every earlier name is in
    :class:`OrganisationName`. A merged organisation is dissolved with a ``successor``.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path", organisation="pk")

    code = models.SlugField("mã", max_length=64, unique=True)
    kind = models.CharField("loại", max_length=32, choices=OrganisationKind.choices)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=64, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan chủ quản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    dissolved_on = models.DateField("ngày giải thể/sáp nhập", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tổ chức"
        verbose_name_plural = "tổ chức"
        ordering = ("unit__path", "name")

    def __str__(self) -> str:
        return self.name


class OrganisationName(models.Model):
    """One name an organisation has borne, with the dates it was in force."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=64, blank=True)
    valid_from = models.DateField("từ ngày")
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "tên tổ chức qua các thời kỳ"
        verbose_name_plural = "tên tổ chức qua các thời kỳ"
        ordering = ("organisation", "valid_from")

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_until or ''})"
