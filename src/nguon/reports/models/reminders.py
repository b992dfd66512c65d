"""What the deadline reminders have sent: one row per commune's report in a cycle and threshold (7 or 2
days before the due date), so a reminder goes out once however often the job runs."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class ReminderSent(models.Model):
    """The reminder of ``threshold`` days before the due date went to the commune's reporters."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    cycle = models.ForeignKey("reports.ReportCycle", on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField("số ngày trước hạn")
    sent_at = models.DateTimeField()
    notices = models.PositiveIntegerField("số người nhận", default=0)

    class Meta:
        ordering = ("cycle", "unit__code", "threshold")
        verbose_name = "nhắc hạn báo cáo"
        verbose_name_plural = "nhắc hạn báo cáo"
        constraints = (
            models.UniqueConstraint(fields=["cycle", "unit", "threshold"], name="reports_reminder_once"),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.unit_id} −{self.threshold}d"
