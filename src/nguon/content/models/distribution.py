"""Where approved bulletins go: commune inboxes, per-channel deliveries, and notifications to people."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.content.choices import Channel, DeliveryStatus, InboxStatus, Priority
from nguon.content.models.bulletins import Bulletin
from nguon.core.access import Scope


class InboxEntry(models.Model):
    """A bulletin sent down to a commune and the commune's TT39 decision on it.

    Normal bulletins are accepted into the schedule or declined with a reason; priority ones must be
    accepted, and ``position`` orders clashing priority items; emergency ones arrive ``forced``.
    The radio programming issue schedules what is accepted; this row is the record of the decision.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="inbox_entries")
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="inbox_entries"
    )
    residential_codes = models.JSONField(
        "thôn, tổ dân phố nhận tin", default=list, help_text="Empty: the whole commune."
    )
    revision = models.PositiveIntegerField("phiên bản nhận được")
    priority = models.CharField(max_length=16, choices=Priority.choices)
    status = models.CharField(
        "trạng thái", max_length=16, choices=InboxStatus.choices, default=InboxStatus.PENDING, db_index=True
    )
    position = models.PositiveIntegerField("thứ tự phát (tin ưu tiên)", null=True, blank=True)
    reason = models.TextField("lý do", blank=True)
    has_correction = models.BooleanField("có bản đính chính mới", default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField("hạn quyết định", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "tin đến của xã"
        verbose_name_plural = "tin đến của xã"
        ordering = ("-received_at", "-id")
        constraints = (models.UniqueConstraint(fields=["bulletin", "unit"], name="content_inbox_unique"),)

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.unit}"


class Delivery(models.Model):
    """One revision of a bulletin handed to one channel for one unit.

    The channel issues (radio, e-boards, portal, outbound) pick up pending rows and mark them delivered.
    A correction supersedes every delivered row of the old revision with a pending row of the new one;
    a withdrawal marks them withdrawn — so both reach every destination that had the item.
    """

    access_scope: ClassVar[Scope] = Scope(
        unit_path="bulletin__unit__path", organisation="bulletin__source_organisation_id"
    )

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("kênh", max_length=16, choices=Channel.choices)
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The commune for radio and e-boards; the bulletin's own unit for province-wide channels.",
    )
    revision = models.PositiveIntegerField("phiên bản")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    is_correction = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "lượt phát hành"
        verbose_name_plural = "lượt phát hành"
        ordering = ("bulletin", "channel", "unit", "revision")
        constraints = (
            models.UniqueConstraint(
                fields=["bulletin", "channel", "unit", "revision"], name="content_delivery_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.bulletin} / {self.get_channel_display()} v{self.revision}"


class Notification(models.Model):
    """An in-app notice for one person (also e-mailed when they have an address)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.SlugField(max_length=64)
    message = models.CharField("nội dung", max_length=500)
    url = models.CharField(max_length=300, blank=True)
    bulletin = models.ForeignKey(Bulletin, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=["user", "read_at"]),)

    def __str__(self) -> str:
        return self.message
