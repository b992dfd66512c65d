"""What devices report: latest state, heartbeat history, play receipts and events.

Written only by the telemetry ingest (``services/ingest.py``). Status (connected, fresh, healthy) is
derived from these rows by ``selectors/status.py``, never stored as a flag.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope
from nguon.devices.choices import ReceiptResult


class DeviceState(models.Model):
    """The latest facts about one device: its broker session (from ``status`` messages and the last
    will) and its last heartbeat."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.OneToOneField(
        "devices.Device", on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    is_online = models.BooleanField(default=False)
    online_changed_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "trạng thái thiết bị"
        verbose_name_plural = "trạng thái thiết bị"

    def __str__(self) -> str:
        return str(self.device_id)


class HeartbeatSample(models.Model):
    """History, time-bucketed: the first heartbeat of each device in each bucket (10 minutes). A bucket
    with a sample is a bucket the device was up, which is what uptime is computed from."""

    BUCKET_SECONDS: ClassVar[int] = 600

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="heartbeat_samples")
    bucket_start = models.DateTimeField()
    received_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        verbose_name = "nhịp tim"
        verbose_name_plural = "nhịp tim"
        ordering = ("device", "-bucket_start")
        constraints = (
            models.UniqueConstraint(
                fields=["device", "bucket_start"], name="devices_heartbeat_one_per_bucket"
            ),
        )

    def __str__(self) -> str:
        return f"{self.device_id} {self.bucket_start:%Y-%m-%d %H:%M}"


class PlayReceipt(models.Model):
    """What a device reports it actually played (append-only). ``receipt_id`` is the device's own id;
    the pair (device, receipt_id) is unique, so uploading the same receipt twice stores it once."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    #: No index of its own: the unique (device, receipt id) constraint starts with it (one index fewer to
    #: maintain per stored receipt, docs/devices.md "Benchmarks").
    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="receipts", db_index=False
    )
    receipt_id = models.CharField(max_length=64)
    item_id = models.CharField(max_length=64)
    media_sha256 = models.CharField(max_length=64, blank=True)
    manifest_version = models.PositiveIntegerField()
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=ReceiptResult.choices)
    is_emergency = models.BooleanField(default=False)
    detail = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "biên nhận phát"
        verbose_name_plural = "biên nhận phát"
        ordering = ("device", "-started_at")
        constraints = (
            models.UniqueConstraint(fields=["device", "receipt_id"], name="devices_receipt_unique_id"),
        )
        # Reports rebuild whole days of plays (reports/services/rollup.py) and the broadcast log reads
        # time ranges: both select by start time.
        indexes = (models.Index(fields=["started_at"], name="devices_receipt_started"),)

    def __str__(self) -> str:
        return f"{self.device_id} {self.item_id} {self.result}"


class DeviceEvent(models.Model):
    """Something a device reported (command outcomes, refusals, errors) or the broker reported for it
    (``connected``/``disconnected`` from its status topic and last will)."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, db_index=True)
    occurred_at = models.DateTimeField(
        null=True, blank=True, help_text="The device's own time, when it gave one."
    )
    received_at = models.DateTimeField()
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    #: The command group of a group command's answer (its ``seq`` counts within the group).
    group = models.CharField(max_length=48, blank=True)
    command = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "sự kiện thiết bị"
        verbose_name_plural = "sự kiện thiết bị"
        ordering = ("device", "-received_at")
        indexes = (models.Index(fields=("device", "received_at")),)

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind}"
