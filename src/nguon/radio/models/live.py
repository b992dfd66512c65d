"""Live broadcasts: an operator's microphone or a hardware encoder, through Icecast, to chosen clusters."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.radio.choices import LiveKind, LiveStatus


class LiveSession(models.Model):
    """One live broadcast of a commune: the Icecast mount it is on and the devices switched to it."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("tiêu đề", max_length=300)
    kind = models.CharField(max_length=16, choices=LiveKind.choices)
    mount = models.CharField(max_length=100, unique=True)
    source_password_sealed = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=16, choices=LiveStatus.choices, default=LiveStatus.WAITING)
    devices = models.ManyToManyField("devices.Device", related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phát trực tiếp"
        verbose_name_plural = "phát trực tiếp"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return self.title
