"""The emergency banner: which e-board broadcast goes with which radio emergency broadcast."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class EmergencyBanner(models.Model):
    """When a radio emergency order goes on air, the e-boards of its units show a banner. The banner is its
    own :class:`~nguon.devices.models.EmergencyBroadcast` (its item is a ``banner``, not audio) over the
    e-boards; ``source`` is the speakers' broadcast it accompanies, so stopping that stops the banner."""

    access_scope: ClassVar[Scope] = Scope(unit_path="broadcast__unit__path")

    source = models.OneToOneField(
        "devices.EmergencyBroadcast", on_delete=models.CASCADE, related_name="board_banner"
    )
    broadcast = models.OneToOneField(
        "devices.EmergencyBroadcast", on_delete=models.CASCADE, related_name="banner_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "băng rôn khẩn cấp trên bảng tin"
        verbose_name_plural = "băng rôn khẩn cấp trên bảng tin"

    def __str__(self) -> str:
        return f"{self.source_id} → {self.broadcast_id}"
