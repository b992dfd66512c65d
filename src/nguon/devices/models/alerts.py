"""Alerts: a device offline or unhealthy for longer than its threshold."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class DeviceAlert(models.Model):
    """One spell of trouble. ``noticed_at`` is when the check first saw the condition; the alert opens
    (``opened_at``, people are told) once it has lasted past the threshold, and closes when it is over.
    Pending (noticed, not yet opened) spells that clear in time are deleted: they were blips."""

    OFFLINE: ClassVar[str] = "offline"
    UNHEALTHY: ClassVar[str] = "unhealthy"

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(
        max_length=16, choices=[("offline", "Mất kết nối"), ("unhealthy", "Phát sai lịch")]
    )
    detail = models.CharField(max_length=500, blank=True)
    noticed_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "cảnh báo thiết bị"
        verbose_name_plural = "cảnh báo thiết bị"
        ordering = ("-noticed_at",)
        constraints = (
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=models.Q(closed_at__isnull=True),
                name="devices_one_live_alert",
            ),
        )

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind}"
