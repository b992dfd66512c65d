"""The registry: commune radio stations, devices (speaker clusters, e-boards), groups and credentials."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope
from nguon.devices.choices import Connectivity, DeviceKind, PanelType, StationKind


class RadioStation(models.Model):
    """The radio station of one commune (đài truyền thanh cấp xã) and its technology."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.OneToOneField(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="radio_station",
        verbose_name="xã/phường",
    )
    name = models.CharField("tên đài", max_length=200)
    kind = models.CharField("loại đài", max_length=16, choices=StationKind.choices)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đài truyền thanh cấp xã"
        verbose_name_plural = "đài truyền thanh cấp xã"
        ordering = ("unit__path",)

    def __str__(self) -> str:
        return self.name


class DeviceGroup(models.Model):
    """A named set of devices (for example every cluster along one road), placed at a unit."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên nhóm", max_length=200)
    description = models.CharField("mô tả", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhóm thiết bị"
        verbose_name_plural = "nhóm thiết bị"
        ordering = ("unit__path", "name")
        constraints = (models.UniqueConstraint(fields=["unit", "name"], name="devices_group_unique_name"),)

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    """A speaker cluster (cụm loa) or an e-board (bảng điện tử) installed in a commune.

    ``device_id`` is the public identity used in MQTT topics and as the broker user name; ``serial`` is
    the manufacturer's. ``protocol_level`` and ``firmware`` are what the device last reported.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    device_id = models.CharField("mã thiết bị", max_length=40, unique=True, editable=False)
    kind = models.CharField("loại", max_length=20, choices=DeviceKind.choices)
    serial = models.CharField("số sê-ri", max_length=100, unique=True)
    vendor = models.CharField("hãng", max_length=100, blank=True)
    model = models.CharField("model", max_length=100, blank=True)
    name = models.CharField("tên/vị trí", max_length=200, blank=True)
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="devices", verbose_name="xã/phường"
    )
    residential_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thôn/tổ dân phố",
    )
    station = models.ForeignKey(
        RadioStation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
        verbose_name="đài",
    )
    latitude = models.DecimalField("vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("kinh độ", max_digits=9, decimal_places=6, null=True, blank=True)
    installed_on = models.DateField("ngày lắp đặt", null=True, blank=True)
    connectivity = models.CharField("kết nối", max_length=8, choices=Connectivity.choices, blank=True)
    sim = models.CharField("SIM (số thuê bao/ICCID)", max_length=40, blank=True)
    panel = models.CharField("loại màn hình", max_length=8, choices=PanelType.choices, blank=True)
    size_m2 = models.DecimalField("diện tích (m²)", max_digits=6, decimal_places=2, null=True, blank=True)
    resolution = models.CharField("độ phân giải", max_length=20, blank=True)
    groups = models.ManyToManyField(DeviceGroup, related_name="devices", blank=True, verbose_name="nhóm")
    protocol_level = models.PositiveSmallIntegerField("mức giao thức", null=True, blank=True)
    firmware = models.CharField("phần mềm", max_length=64, blank=True)
    last_command_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_on = models.DateField("ngày thu hồi", null=True, blank=True)

    class Meta:
        verbose_name = "thiết bị"
        verbose_name_plural = "thiết bị"
        ordering = ("unit__path", "device_id")

    def __str__(self) -> str:
        return f"{self.device_id} ({self.name or self.serial})"

    @property
    def mode(self) -> str:
        """The protocol's mode for this kind: speaker or eboard."""
        return self.mode_of(self.kind)

    @staticmethod
    def mode_of(kind: str) -> str:
        return "eboard" if kind == DeviceKind.EBOARD else "speaker"


class DeviceCredential(models.Model):
    """A device's secrets, stored only as hashes: the MQTT password (in Mosquitto's PBKDF2-SHA512
    ``$7$`` form, so the broker's password file is written from the database) and the HTTPS bearer
    token (SHA-256: it is 256 random bits, so a slow hash adds nothing). One active credential per device;
    provisioning again revokes the previous one."""

    access_scope: ClassVar[Scope] = Scope(unit_path="device__unit__path")

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials")
    mqtt_password_hash = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.CharField(max_length=200)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Protocol level 2: the group written in this credential's bundle; the broker lets the device read
    #: that group's command topic, and a group command reaches exactly the devices holding it.
    command_group = models.CharField(max_length=48, blank=True, db_index=True)

    class Meta:
        verbose_name = "thông tin xác thực thiết bị"
        verbose_name_plural = "thông tin xác thực thiết bị"
        ordering = ("device", "-issued_at")
        constraints = (
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(revoked_at__isnull=True),
                name="devices_one_active_credential",
            ),
        )

    def __str__(self) -> str:
        return f"{self.device.device_id} @ {self.issued_at:%Y-%m-%d %H:%M}"
