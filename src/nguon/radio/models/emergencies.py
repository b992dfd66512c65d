"""Emergency orders (TT39 khẩn cấp) to any set of units, and the CAP 1.2 messages published for them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.radio.choices import CapMsgType, EmergencyStatus


class EmergencyOrder(models.Model):
    """An order to put one audio message on air at once on every speaker cluster of the targeted units
    (communes or residential units). It is issued from ``issuer_unit`` (the province or a commune), needs a
    TOTP-confirmed approver, and a second approver when the issuer unit's settings ask for one. On air it
    is a :class:`nguon.devices.models.EmergencyBroadcast`; stopping that ends it."""

    access_scope: ClassVar[Scope] = Scope(unit_path="issuer_unit__path")

    issuer_unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị ra lệnh"
    )
    title = models.CharField("tiêu đề", max_length=300)
    message = models.TextField("nội dung", blank=True)
    bulletin = models.ForeignKey(
        "content.Bulletin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    blob = models.ForeignKey(
        "content.MediaBlob", on_delete=models.PROTECT, related_name="+", verbose_name="âm thanh"
    )
    units = models.ManyToManyField("units.AdministrativeUnit", related_name="+", verbose_name="địa bàn")
    repeat = models.PositiveSmallIntegerField("số lần phát", default=1)
    status = models.CharField(max_length=20, choices=EmergencyStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("lý do từ chối", blank=True)
    broadcast = models.OneToOneField(
        "devices.EmergencyBroadcast", null=True, blank=True, on_delete=models.PROTECT, related_name="order"
    )
    cap_source = models.JSONField(
        null=True, blank=True, help_text="The imported CAP alert this order came from (parsed fields)."
    )

    class Meta:
        verbose_name = "lệnh phát khẩn cấp"
        verbose_name_plural = "lệnh phát khẩn cấp"
        ordering = ("-requested_at",)

    def __str__(self) -> str:
        return self.title


class CapMessage(models.Model):
    """A CAP 1.2 message published for an emergency order: Alert when it goes on air, Cancel when it stops
    (referencing the Alert). The XML is frozen when made, so a published message never changes."""

    access_scope: ClassVar[Scope] = Scope(unit_path="order__issuer_unit__path")

    order = models.ForeignKey(EmergencyOrder, on_delete=models.PROTECT, related_name="cap_messages")
    identifier = models.CharField(max_length=200, unique=True)
    msg_type = models.CharField(max_length=8, choices=CapMsgType.choices)
    sent = models.DateTimeField()
    references = models.CharField(max_length=1000, blank=True)
    xml = models.TextField()

    class Meta:
        verbose_name = "cảnh báo CAP"
        verbose_name_plural = "cảnh báo CAP"
        ordering = ("-sent",)

    def __str__(self) -> str:
        return self.identifier
