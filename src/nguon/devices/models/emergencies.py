"""Emergency broadcasts: who put what on air, where, from when until when."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class EmergencyBroadcast(models.Model):
    """An emergency broadcast to the devices of a unit (a commune, or the province). While it is active
    (no ``stopped_at``) every device in ``devices`` has it in its manifest, so a device that was offline
    when the ``emergency-start`` command went out starts it as soon as it reconnects."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("tiêu đề", max_length=300)
    item = models.JSONField(help_text="The protocol item (media reference and duration) that is played.")
    repeat = models.PositiveSmallIntegerField(default=1)
    devices = models.ManyToManyField("devices.Device", related_name="emergencies")
    started_at = models.DateTimeField()
    started_by = models.CharField(max_length=200)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "phát khẩn cấp"
        verbose_name_plural = "phát khẩn cấp"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return self.title

    @property
    def protocol_id(self) -> str:
        return f"em-{self.pk}"
