"""Reads of CAP 1.2 messages (the public feed, the scoped list) and the mapping of CAP areas to units."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from nguon.core import access
from nguon.core.text import fold
from nguon.radio.cap.read import AreaIn
from nguon.radio.models import CapMessage, EmergencyOrder
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

FEED_SIZE = 100
# geocode valueNames taken as official administrative unit codes (QĐ 19/2025; Nguồn writes "DVHC")
UNIT_CODE_NAMES = frozenset({"dvhc", "madvhc", "ma dvhc", "vn dvhc", "admin code", "ma don vi hanh chinh"})
RESIDENTIAL_CODE_NAMES = frozenset({"nguon thon"})
_SPLIT = re.compile(r"[;,\n]+")


def published_messages(limit: int = FEED_SIZE) -> QuerySet[CapMessage]:
    """The newest published CAP messages, for everyone (emergency alerts are public)."""
    return CapMessage.objects.select_related("order", "order__issuer_unit").order_by("-sent", "-pk")[:limit]


def message_by_identifier(identifier: str) -> CapMessage | None:
    return CapMessage.objects.filter(identifier=identifier).first()


def visible_messages(user: Any) -> QuerySet[CapMessage]:
    """The CAP messages of the orders whose issuer unit is in ``user``'s broadcast scope."""
    messages = CapMessage.objects.select_related("order", "order__issuer_unit")
    return (
        access.scope(user, messages, access.BROADCAST_EMERGENCY)
        | access.scope(user, messages, access.BROADCAST_OPERATE)
    ).order_by("-sent", "-pk")


def orders_from_source(*, sender: str, identifier: str) -> QuerySet[EmergencyOrder]:
    """Orders imported from the CAP alert ``sender``/``identifier`` (kept in ``cap_source``)."""
    return EmergencyOrder.objects.filter(cap_source__sender=sender, cap_source__identifier=identifier)


def orders_published_as(identifier: str) -> QuerySet[EmergencyOrder]:
    """Orders that Nguồn itself published under ``identifier`` (a reference back to our own alert)."""
    return EmergencyOrder.objects.filter(cap_messages__identifier=identifier)


# -- areas → units ----------------------------------------------------------------------------------------


@dataclass
class AreaMapping:
    units: list[AdministrativeUnit] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # what could not be placed, in words


def _value_name(name: str) -> str:
    """A geocode valueName compared loosely: "MA_DVHC", "Mã ĐVHC" and "ma-dvhc" are the same."""
    return " ".join(fold(name).replace("_", " ").split())


def _units_by_code(code: str) -> list[AdministrativeUnit]:
    """Current units with this official code; for a pre-2025 code, the units that took it over."""
    current = list(
        AdministrativeUnit.objects.filter(code=code, is_current=True).exclude(level=UnitLevel.RESIDENTIAL)
    )
    if current:
        return current
    old = AdministrativeUnit.objects.filter(code=code, is_current=False)
    return list(
        AdministrativeUnit.objects.filter(successions_in__predecessor__in=old, is_current=True).distinct()
    )


def _units_by_name(text: str, under: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Current units under ``under`` (``under`` itself included) whose folded full name is ``text``, or
    whose name is ``text`` when that alone names exactly one of them."""
    key = fold(text)
    if not key:
        return []
    candidates = AdministrativeUnit.objects.filter(path__startswith=under.path, is_current=True)
    exact = list(candidates.filter(search_key=key))
    if exact:
        return exact
    by_name = [u for u in candidates.filter(search_key__endswith=f" {key}") if fold(u.name) == key]
    return by_name if len(by_name) == 1 else []


def _drop_ancestors(units: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Within one area, "xã A, tỉnh B" names A: a unit containing another named unit only qualifies it."""
    return [u for u in units if not any(o.pk != u.pk and o.path.startswith(u.path) for o in units)]


def map_areas(areas: Iterable[AreaIn], *, issuer_unit: AdministrativeUnit) -> AreaMapping:
    """The units of ``issuer_unit``'s territory that the CAP areas name.

    Per area: its geocodes whose valueName is an administrative-unit code (``DVHC``…) are looked up as
    official codes (a pre-2025 code gives the units that took it over); an area without such a geocode is
    matched by its ``areaDesc`` (each part between ``;`` or ``,``), accent-insensitively. Units outside the
    issuer unit are left out (a national alert names other provinces too)."""
    mapping = AreaMapping()
    seen: set[int] = set()
    for area in areas:
        found: list[AdministrativeUnit] = []
        coded = [(n, v) for n, v in area.geocodes if _value_name(n) in UNIT_CODE_NAMES and v]
        residential = [v for n, v in area.geocodes if _value_name(n) in RESIDENTIAL_CODE_NAMES and v]
        for _name, value in coded:
            units = _units_by_code(value.strip())
            if not units:
                mapping.unmapped.append(f"mã {value}: không có đơn vị hành chính nào mang mã này")
            found.extend(units)
        for value in residential:
            found.extend(
                AdministrativeUnit.objects.filter(
                    code=value.strip().upper(), level=UnitLevel.RESIDENTIAL, is_current=True
                )
            )
        if not coded and not residential:
            parts = [p.strip() for p in _SPLIT.split(area.description) if p.strip()]
            named = [(p, _units_by_name(p, issuer_unit)) for p in parts]
            found.extend(u for _p, units in named for u in units)
            if not any(units for _p, units in named):
                mapping.unmapped.append(f"“{area.description}”: không khớp tên đơn vị nào")
            found = _drop_ancestors(found)
        for unit in found:
            if not unit.path.startswith(issuer_unit.path):
                mapping.unmapped.append(
                    f"{unit.full_name} ({unit.code}): ngoài địa bàn {issuer_unit.full_name}"
                )
            elif unit.pk not in seen:
                seen.add(unit.pk)
                mapping.units.append(unit)
    return mapping
