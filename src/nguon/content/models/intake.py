"""Intake from the central source system: what was received, once per external id."""

from __future__ import annotations

from django.db import models

from nguon.content.models.bulletins import Bulletin


class CentralIntake(models.Model):
    """One bulletin received from the central system (pulled or pushed), idempotent by external id."""

    external_id = models.CharField(max_length=128, unique=True)
    payload_sha256 = models.CharField(max_length=64)
    contract_version = models.CharField(max_length=16)
    bulletin = models.OneToOneField(Bulletin, on_delete=models.PROTECT, related_name="central_intake")
    channel = models.CharField(max_length=8, help_text="pull or push")
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    times_seen = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "tin nhận từ trung ương"
        verbose_name_plural = "tin nhận từ trung ương"
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return self.external_id


class CentralCursor(models.Model):
    """Where the last pull from the central system stopped (the ``next`` cursor it returned)."""

    name = models.SlugField(max_length=32, unique=True, default="default")
    cursor = models.CharField(max_length=500, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
