"""Daily totals of play receipts, so a half-year report reads ~0.5 M small rows instead of tens of millions
of receipts. Derived data: ``services/rollup.py`` rebuilds whole (local) days from the receipts, so it can
always be recomputed and is never edited by hand."""

from __future__ import annotations

from django.db import models


class DailyPlays(models.Model):
    """What one device played on one local day (Asia/Ho_Chi_Minh), from its receipts with result "played".
    ``unit`` is the device's commune when the day was rolled up."""

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    plays = models.PositiveIntegerField()
    emergency_plays = models.PositiveIntegerField()
    duration_us = models.BigIntegerField(help_text="Σ(ended − started) in microseconds (exact).")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["device", "day"], name="reports_daily_plays_unique"),)
        indexes = (models.Index(fields=["day", "unit"]),)

    def __str__(self) -> str:
        return f"{self.device_id} {self.day}: {self.plays}"


class RollupCursor(models.Model):
    """How far the receipts have been rolled up: the highest receipt id seen (one row)."""

    name = models.CharField(max_length=32, unique=True)
    last_receipt_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_receipt_id}"
