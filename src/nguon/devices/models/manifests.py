"""Manifests as versions: what each device was told to play."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class DeviceManifest(models.Model):
    """One version of one device's manifest. ``body`` is the unsigned manifest (protocol level 1); it is
    signed when served, so a key rotation needs no rewrite. The newest version is the current one."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="manifests")
    version = models.PositiveIntegerField()
    etag = models.CharField(max_length=100)
    body = models.JSONField()
    media_sha256 = models.JSONField(default=list, help_text="The media hashes the items use, for downloads.")
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=200)

    class Meta:
        verbose_name = "lịch phát của thiết bị"
        verbose_name_plural = "lịch phát của thiết bị"
        ordering = ("device", "-version")
        constraints = (
            models.UniqueConstraint(fields=["device", "version"], name="devices_manifest_unique_version"),
        )

    def __str__(self) -> str:
        return f"{self.device_id} v{self.version}"
