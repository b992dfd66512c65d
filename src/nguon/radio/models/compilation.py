"""What each compilation of a commune's schedule produced: manifests, bytes, plain warnings."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class CompilationReport(models.Model):
    """One run of the compiler for one commune. ``warnings`` is a list of
    ``{"code", "message", "occurrence"?, "device"?}`` in Vietnamese, shown to the operator."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    compiled_at = models.DateTimeField()
    horizon_start = models.DateTimeField()
    horizon_end = models.DateTimeField()
    devices = models.PositiveIntegerField(default=0)
    manifests_changed = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    download_bytes = models.PositiveBigIntegerField(
        default=0, help_text="Sum over devices of the media sizes in their manifests (what devices download)."
    )
    warnings = models.JSONField(default=list)

    class Meta:
        verbose_name = "lần lập lịch"
        verbose_name_plural = "các lần lập lịch"
        ordering = ("-compiled_at",)
        indexes = (models.Index(fields=["unit", "-compiled_at"]),)

    def __str__(self) -> str:
        return f"{self.unit_id} {self.compiled_at:%Y-%m-%d %H:%M}"
