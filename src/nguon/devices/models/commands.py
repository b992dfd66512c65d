"""Signed commands as sent, and what the device answered."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.devices.choices import CommandType


class CommandRecord(models.Model):
    """One signed command to one device: ``envelope`` is exactly what was published.

    ``seq`` grows per device (``Device.last_command_seq``), or, for a group command (``group`` set: one
    envelope published once on the group's topic, one record per device that holds the group), per
    group (``CommandGroup.last_seq``). The device answers with a
    ``command-accepted`` or ``command-refused`` event, which fills ``accepted_at`` or ``refused_at`` and
    ``refusal_reason``; ``published_at`` stays empty when the broker could not be reached.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    #: No index of its own: the unique (device, group, seq) constraint starts with it.
    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="commands", db_index=False
    )
    group = models.CharField(max_length=48, blank=True)
    seq = models.PositiveBigIntegerField()
    type = models.CharField("lệnh", max_length=20, choices=CommandType.choices)
    body = models.JSONField(default=dict)
    envelope = models.JSONField()
    media_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_label = models.CharField(max_length=200)
    published_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=64, blank=True)
    #: The records of one fan-out (``send_commands``) share it: they are published and stamped together.
    batch = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "lệnh điều khiển"
        verbose_name_plural = "lệnh điều khiển"
        ordering = ("device", "-signed_at", "-seq")  # own and group sequences are numbered apart
        constraints = (
            models.UniqueConstraint(fields=["device", "group", "seq"], name="devices_command_unique_seq"),
        )

    def __str__(self) -> str:
        return f"{self.device_id} #{self.seq} {self.type}"


class CommandGroup(models.Model):
    """The sequence counter of one command group (protocol level 2): ``g-<unit code>-<mode>``."""

    key = models.CharField(max_length=48, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "nhóm lệnh"
        verbose_name_plural = "nhóm lệnh"

    def __str__(self) -> str:
        return f"{self.key} #{self.last_seq}"
