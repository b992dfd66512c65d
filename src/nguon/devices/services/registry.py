"""The registry: radio stations and devices."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.choices import Connectivity, DeviceKind, PanelType, StationKind
from nguon.devices.models import Device, RadioStation
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

_DEVICE_FIELDS = (
    "device_id",
    "kind",
    "serial",
    "vendor",
    "model",
    "name",
    "unit",
    "residential_unit",
    "latitude",
    "longitude",
    "installed_on",
    "connectivity",
    "sim",
    "panel",
    "size_m2",
    "resolution",
)


def _check_commune(unit: AdministrativeUnit) -> None:
    if unit.level != UnitLevel.COMMUNE or not unit.is_current:
        raise ValidationError({"unit": "Thiết bị phải thuộc một xã/phường đang hiệu lực."})


def new_device_id() -> str:
    return f"d-{secrets.token_hex(6)}"


def register_device(
    *,
    actor: Any,
    kind: str,
    serial: str,
    unit: AdministrativeUnit,
    vendor: str = "",
    model: str = "",
    name: str = "",
    residential_unit: AdministrativeUnit | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    installed_on: date | None = None,
    connectivity: str = "",
    sim: str = "",
    panel: str = "",
    size_m2: Decimal | None = None,
    resolution: str = "",
) -> Device:
    """Add a speaker cluster or an e-board to a commune's registry (no credentials yet: provision it)."""
    access.require(actor, access.DEVICES_MANAGE, unit=unit)
    _check_commune(unit)
    serial = nfc(serial).strip()
    errors: dict[str, str] = {}
    if kind not in DeviceKind.values:
        errors["kind"] = "Loại thiết bị không hợp lệ."
    if not serial:
        errors["serial"] = "Thiếu số sê-ri."
    elif Device.objects.filter(serial=serial).exists():
        errors["serial"] = "Số sê-ri đã có trong danh mục."
    if connectivity and connectivity not in Connectivity.values:
        errors["connectivity"] = "Kiểu kết nối không hợp lệ."
    if panel and (panel not in PanelType.values or kind != DeviceKind.EBOARD):
        errors["panel"] = "Loại màn hình chỉ dành cho bảng điện tử (LED hoặc LCD)."
    if residential_unit is not None and (
        residential_unit.level != UnitLevel.RESIDENTIAL or not residential_unit.path.startswith(unit.path)
    ):
        errors["residential_unit"] = "Thôn/tổ dân phố phải thuộc xã/phường của thiết bị."
    if (latitude is None) != (longitude is None):
        errors["latitude"] = "Cần cả vĩ độ và kinh độ."
    elif (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        errors["latitude"] = "Tọa độ không hợp lệ."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        device = Device.objects.create(
            device_id=new_device_id(),
            kind=kind,
            serial=serial,
            vendor=nfc(vendor).strip(),
            model=nfc(model).strip(),
            name=nfc(name).strip(),
            unit=unit,
            residential_unit=residential_unit,
            station=RadioStation.objects.filter(unit=unit).first(),
            latitude=latitude,
            longitude=longitude,
            installed_on=installed_on,
            connectivity=connectivity,
            sim=sim.strip(),
            panel=panel,
            size_m2=size_m2,
            resolution=resolution.strip(),
        )
        audit.record(
            actor=actor,
            action="devices.device.register",
            target=device,
            unit=unit,
            after=audit.snapshot(device, _DEVICE_FIELDS),
        )
    return device


def save_station(
    *, actor: Any, unit: AdministrativeUnit, kind: str, name: str, note: str = ""
) -> RadioStation:
    """Create or update the radio station of a commune; its devices are attached to it."""
    access.require(actor, access.DEVICES_MANAGE, unit=unit)
    _check_commune(unit)
    if kind not in StationKind.values:
        raise ValidationError({"kind": "Loại đài không hợp lệ."})
    name = nfc(name).strip() or f"Đài truyền thanh {unit.full_name}"
    fields = ("name", "kind", "note")
    with transaction.atomic():
        station = RadioStation.objects.select_for_update().filter(unit=unit).first()
        before = audit.snapshot(station, fields) if station is not None else None
        if station is None:
            station = RadioStation.objects.create(unit=unit, kind=kind, name=name, note=note)
        else:
            station.kind, station.name, station.note = kind, name, note
            station.save(update_fields=list(fields))
        Device.objects.filter(unit=unit, station__isnull=True).update(station=station)
        audit.record(
            actor=actor,
            action="devices.station.save",
            target=station,
            unit=unit,
            before=before,
            after=audit.snapshot(station, fields),
        )
    return station
