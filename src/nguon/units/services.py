"""Writes of the units app. Each service takes the acting person (or :data:`nguon.core.access.SYSTEM`),
checks access, runs in one transaction and records the audit event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.core.text import fold, nfc
from nguon.units import residential_import
from nguon.units.choices import RESIDENTIAL_KINDS, OrganisationKind, UnitLevel, official_prefix
from nguon.units.models import AdministrativeUnit, Organisation, OrganisationName

_UNIT_FIELDS = ("code", "name", "full_name", "kind", "level", "parent", "path", "latitude", "longitude")
_ORG_FIELDS = (
    "code",
    "kind",
    "name",
    "short_name",
    "unit",
    "parent",
    "is_active",
    "dissolved_on",
    "successor",
)


def _residential_values(
    *,
    commune: AdministrativeUnit,
    local_code: str,
    name: str,
    kind: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> dict[str, Any]:
    label = official_prefix(kind)
    clean = nfc(name)
    full_name = clean if fold(clean).startswith(fold(label)) else f"{label} {clean}"
    return {
        "code": f"{commune.code}-{local_code}",
        "name": clean,
        "full_name": full_name,
        "kind": kind,
        "level": UnitLevel.RESIDENTIAL,
        "parent": commune,
        "province_code": commune.province_code,
        "search_key": fold(full_name),
        "is_current": True,
        "latitude": latitude,
        "longitude": longitude,
    }


def _check_commune(commune: AdministrativeUnit) -> None:
    if commune.level != UnitLevel.COMMUNE or not commune.is_current:
        raise ValidationError("Thôn, tổ dân phố chỉ được tạo dưới một xã/phường đang hiệu lực.")


def save_residential_unit(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    local_code: str,
    name: str,
    kind: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> AdministrativeUnit:
    """Create the residential unit ``local_code`` of ``commune``, or update it if it exists."""
    access.require(actor, access.UNITS_MANAGE_RESIDENTIAL, unit=commune)
    _check_commune(commune)
    local_code = nfc(local_code).upper()
    if not residential_import.LOCAL_CODE.match(local_code):
        raise ValidationError({"code": "Mã chỉ gồm chữ không dấu và số, tối đa 12 ký tự."})
    if kind not in RESIDENTIAL_KINDS:
        raise ValidationError({"kind": "Loại không hợp lệ."})
    if not nfc(name):
        raise ValidationError({"name": "Thiếu tên."})
    values = _residential_values(
        commune=commune, local_code=local_code, name=name, kind=kind, latitude=latitude, longitude=longitude
    )
    with transaction.atomic():
        unit, created = AdministrativeUnit.objects.select_for_update().get_or_create(
            path=f"{commune.path}{local_code}/", defaults=values
        )
        if created:
            audit.record(
                actor=actor,
                action="units.residential.create",
                target=unit,
                unit=commune,
                after=audit.snapshot(unit, _UNIT_FIELDS),
            )
            return unit
        before = audit.snapshot(unit, _UNIT_FIELDS)
        for key, value in values.items():
            setattr(unit, key, value)
        after = audit.snapshot(unit, _UNIT_FIELDS)
        if after != before:
            unit.save()
            audit.record(
                actor=actor,
                action="units.residential.update",
                target=unit,
                unit=commune,
                before=before,
                after=after,
            )
    return unit


def delete_residential_unit(*, actor: Any, unit: AdministrativeUnit) -> None:
    """Remove a residential unit that nothing refers to."""
    commune = unit.parent
    if unit.level != UnitLevel.RESIDENTIAL or commune is None:
        raise ValidationError("Chỉ xóa được thôn, tổ dân phố.")
    access.require(actor, access.UNITS_MANAGE_RESIDENTIAL, unit=commune)
    with transaction.atomic():
        before = audit.snapshot(unit, _UNIT_FIELDS)
        audit.record(actor=actor, action="units.residential.delete", target=unit, unit=commune, before=before)
        unit.delete()


@dataclass
class ResidentialImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[residential_import.RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_residential_units(
    *, actor: Any, commune: AdministrativeUnit, content: bytes
) -> ResidentialImportResult:
    """Import a CSV/XLSX list of residential units into ``commune``: every row or none.

    Raises :class:`residential_import.FileRejectedError` when the file as a whole is unreadable; returns
    per-row errors (and writes nothing) when any row is wrong.
    """
    access.require(actor, access.UNITS_MANAGE_RESIDENTIAL, unit=commune)
    _check_commune(commune)
    rows, errors = residential_import.parse(content, commune_code=commune.code)
    result = ResidentialImportResult(errors=errors)
    if errors:
        return result
    with transaction.atomic():
        existing = {
            u.path: u for u in AdministrativeUnit.objects.filter(parent=commune, level=UnitLevel.RESIDENTIAL)
        }
        for row in rows:
            before = existing.get(f"{commune.path}{row.code}/")
            before_data = audit.snapshot(before, _UNIT_FIELDS) if before else None
            unit = save_residential_unit(
                actor=actor,
                commune=commune,
                local_code=row.code,
                name=row.name,
                kind=row.kind,
                latitude=row.latitude,
                longitude=row.longitude,
            )
            if before is None:
                result.created += 1
            elif audit.snapshot(unit, _UNIT_FIELDS) != before_data:
                result.updated += 1
            else:
                result.unchanged += 1
        audit.record(
            actor=actor,
            action="units.residential.import",
            target=commune,
            unit=commune,
            after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
    return result


# -- organisations ----------------------------------------------------------------------------------------


def create_organisation(
    *,
    actor: Any,
    code: str,
    kind: str,
    name: str,
    unit: AdministrativeUnit,
    short_name: str = "",
    parent: Organisation | None = None,
    valid_from: date | None = None,
) -> Organisation:
    access.require(actor, access.ORGANISATIONS_MANAGE, unit=unit)
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": "Loại tổ chức không hợp lệ."})
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã tổ chức {code} đã tồn tại."})
    with transaction.atomic():
        organisation = Organisation.objects.create(
            code=code, kind=kind, name=nfc(name), short_name=nfc(short_name), unit=unit, parent=parent
        )
        OrganisationName.objects.create(
            organisation=organisation,
            name=organisation.name,
            short_name=organisation.short_name,
            valid_from=valid_from or timezone.localdate(),
        )
        audit.record(
            actor=actor,
            action="organisations.create",
            target=organisation,
            unit=unit,
            after=audit.snapshot(organisation, _ORG_FIELDS),
        )
    return organisation


def rename_organisation(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    short_name: str = "",
    effective_on: date,
    reason: str = "",
) -> Organisation:
    """Give ``organisation`` a new name from ``effective_on``; the old name stays in its history."""
    access.require(actor, access.ORGANISATIONS_MANAGE, unit=organisation.unit)
    name = nfc(name)
    if not name:
        raise ValidationError({"name": "Thiếu tên mới."})
    with transaction.atomic():
        before = audit.snapshot(organisation, _ORG_FIELDS)
        current = organisation.names.filter(valid_until__isnull=True).order_by("-valid_from").first()
        if current is not None:
            if effective_on <= current.valid_from:
                raise ValidationError({"effective_on": "Ngày đổi tên phải sau ngày của tên hiện tại."})
            current.valid_until = effective_on
            current.save(update_fields=["valid_until"])
        OrganisationName.objects.create(
            organisation=organisation,
            name=name,
            short_name=nfc(short_name),
            valid_from=effective_on,
            reason=nfc(reason),
        )
        organisation.name, organisation.short_name = name, nfc(short_name)
        organisation.save(update_fields=["name", "short_name", "updated_at"])
        audit.record(
            actor=actor,
            action="organisations.rename",
            target=organisation,
            unit=organisation.unit,
            before=before,
            after=audit.snapshot(organisation, _ORG_FIELDS),
        )
    return organisation


def merge_organisations(
    *, actor: Any, sources: list[Organisation], into: Organisation, effective_on: date
) -> Organisation:
    """Dissolve ``sources`` into ``into`` (a merger): they stay, inactive, pointing at their successor."""
    access.require(actor, access.ORGANISATIONS_MANAGE, unit=into.unit)
    with transaction.atomic():
        for source in sources:
            access.require(actor, access.ORGANISATIONS_MANAGE, unit=source.unit)
            if source.pk == into.pk:
                raise ValidationError("Không thể sáp nhập một tổ chức vào chính nó.")
            before = audit.snapshot(source, _ORG_FIELDS)
            source.is_active, source.dissolved_on, source.successor = False, effective_on, into
            source.save(update_fields=["is_active", "dissolved_on", "successor", "updated_at"])
            source.names.filter(valid_until__isnull=True).update(valid_until=effective_on)
            audit.record(
                actor=actor,
                action="organisations.merge",
                target=source,
                unit=source.unit,
                before=before,
                after=audit.snapshot(source, _ORG_FIELDS),
            )
    return into
