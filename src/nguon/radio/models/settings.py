"""A unit's broadcast settings: quiet hours, fallback audio, how far ahead manifests go, emergency policy."""

from __future__ import annotations

from datetime import time
from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class BroadcastSettings(models.Model):
    """Settings of a commune's station (or of the province, for emergency policy). A unit without a row
    uses the defaults below."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.OneToOneField(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="broadcast_settings"
    )
    quiet_start = models.TimeField("bắt đầu giờ yên tĩnh", default=time(22, 0))
    quiet_end = models.TimeField("kết thúc giờ yên tĩnh", default=time(5, 0))
    fallback_blob = models.ForeignKey(
        "content.MediaBlob",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="âm thanh dự phòng",
        help_text="Plays in the part of a programme's slot that its running order leaves empty, and in place "
        "of a bulletin whose audio is missing, so that a slot never has dead air.",
    )
    horizon_days = models.PositiveSmallIntegerField("số ngày lập lịch trước", default=7)
    emergency_second_approver = models.BooleanField(
        "phát khẩn cấp cần người thứ hai phê duyệt", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thiết lập phát thanh"
        verbose_name_plural = "thiết lập phát thanh"

    def __str__(self) -> str:
        return f"{self.unit_id}"
