"""Screenshots of e-boards, taken by the board's web player on request."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope


class ScreenshotRequest(models.Model):
    """A person asked a board for a picture of its screen; the player answers over its event stream and
    uploads a PNG, which fills ``blob`` and ``fulfilled_at``."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="screenshots")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    blob = models.ForeignKey(
        "content.MediaBlob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "ảnh chụp màn hình"
        verbose_name_plural = "ảnh chụp màn hình"
        ordering = ("device", "-requested_at")
        indexes = (models.Index(fields=("device", "fulfilled_at"), name="devices_screenshot_pending"),)

    def __str__(self) -> str:
        return f"{self.device_id} {self.requested_at:%Y-%m-%d %H:%M}"
