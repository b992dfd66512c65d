"""Importing devices into the registry from CSV/XLSX: every row or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.core import access, audit
from nguon.devices import registry_import
from nguon.devices.models import Device
from nguon.devices.services.registry import register_device
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit
from nguon.units.residential_import import RowError

_LABELS = {
    "serial": "so_seri",
    "kind": "loai",
    "unit": "ma_xa",
    "residential_unit": "ma_thon",
    "panel": "man_hinh",
}


@dataclass
class DeviceImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_errors(number: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(number, _LABELS.get(name, name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(number, "", message) for message in error.messages]


def import_devices(*, actor: Any, content: bytes) -> DeviceImportResult:
    """Register every device of the file, or none: any row error writes nothing and is returned.

    Raises :class:`~nguon.units.residential_import.FileRejectedError` for an unreadable file.
    """
    rows, errors = registry_import.parse(content)
    result = DeviceImportResult(errors=list(errors))
    communes = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, is_current=True, code__in={r.commune_code for r in rows}
        )
    }
    known = set(Device.objects.filter(serial__in=[r.serial for r in rows]).values_list("serial", flat=True))
    for row in rows:
        commune = communes.get(row.commune_code)
        if commune is None or not access.can(actor, access.DEVICES_MANAGE, unit=commune):
            result.errors.append(
                RowError(row.row, "ma_xa", f"Không có xã/phường {row.commune_code} mà bạn quản lý.")
            )
        if row.serial in known:
            result.errors.append(RowError(row.row, "so_seri", f"Số sê-ri {row.serial} đã có trong danh mục."))
    if result.errors:
        return result
    with transaction.atomic():
        for row in rows:
            commune = communes[row.commune_code]
            residential = None
            if row.residential_code:
                residential = AdministrativeUnit.objects.filter(
                    path=f"{commune.path}{row.residential_code}/", level=UnitLevel.RESIDENTIAL
                ).first()
                if residential is None:
                    message = f"Xã {commune.code} không có thôn/tổ mã {row.residential_code}."
                    result.errors.append(RowError(row.row, "ma_thon", message))
                    continue
            try:
                with transaction.atomic():
                    register_device(
                        actor=actor,
                        kind=row.kind,
                        serial=row.serial,
                        unit=commune,
                        residential_unit=residential,
                        vendor=row.vendor,
                        model=row.model,
                        name=row.name,
                        latitude=row.latitude,
                        longitude=row.longitude,
                        installed_on=row.installed_on,
                        connectivity=row.connectivity,
                        sim=row.sim,
                        panel=row.panel,
                        size_m2=row.size_m2,
                        resolution=row.resolution,
                    )
            except ValidationError as error:
                result.errors.extend(_row_errors(row.row, error))
                continue
            result.created += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
            return result
        audit.record(actor=actor, action="devices.device.import", after={"created": result.created})
    return result
