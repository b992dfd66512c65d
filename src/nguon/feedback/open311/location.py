"""Which commune an Open311 request is about.

Nguồn files every feedback under a current commune of the installation's province. From an Open311
``POST requests`` it takes, in this order:

1. ``address_id`` — the official commune code (e.g. ``05569``);
2. ``address_string`` — a commune of the province named in it, compared after folding ("xa dinh hoa",
   "Xã Định Hoá" and "Định Hóa" all match Xã Định Hóa); a name written with its kind ("xã", "phường")
   wins over a bare name, a longer name over a shorter one;
3. ``lat``/``long`` — the current commune whose recorded centre is nearest, if it is within
   :data:`MAX_DISTANCE_KM` (communes carry the official centre coordinates from the unit import).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import QuerySet

from nguon.core.text import fold
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: A point farther than this from every commune centre is taken to be outside the province.
MAX_DISTANCE_KM = 25.0
_EARTH_KM = 6371.0


class LocationError(ValueError):
    """The request's location names no commune of the province (the message says why, in Vietnamese)."""


@dataclass(frozen=True)
class Place:
    commune: AdministrativeUnit
    latitude: Decimal | None
    longitude: Decimal | None
    how: str  # "address_id", "address_string" or "lat_long"


def communes() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, is_current=True, path__startswith=f"{settings.NGUON_PROVINCE_CODE}/"
    )


def _number(value: str, low: int, high: int, name: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        raise LocationError(f"{name} không phải là số.") from None
    if not number.is_finite() or not low <= number <= high:
        raise LocationError(f"{name} nằm ngoài giới hạn ({low} đến {high}).")
    return number


def by_name(text: str) -> AdministrativeUnit | None:
    """The commune of the province named in ``text`` (see the module's rule), or None."""
    folded = f" {fold(text)} "
    if not folded.strip():
        return None
    best: tuple[int, int, AdministrativeUnit] | None = None
    for unit in communes():
        full, name = fold(unit.full_name), fold(unit.name)
        if f" {full} " in folded:
            rank = (2, len(full), unit)
        elif name and f" {name} " in folded:
            rank = (1, len(name), unit)
        else:
            continue
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(a))


def nearest(latitude: Decimal, longitude: Decimal) -> AdministrativeUnit:
    """The current commune whose centre is nearest to the point (within :data:`MAX_DISTANCE_KM`)."""
    candidates = list(communes().filter(latitude__isnull=False, longitude__isnull=False))
    if not candidates:
        raise LocationError(
            "Hệ thống chưa có toạ độ các xã, phường nên không xác định được địa bàn từ lat/long; "
            "hãy gửi address_id (mã xã) hoặc address_string có tên xã, phường."
        )
    lat, lon = float(latitude), float(longitude)

    def distance_to(unit: AdministrativeUnit) -> float:
        return _distance_km(lat, lon, float(unit.latitude or 0), float(unit.longitude or 0))

    unit = min(candidates, key=distance_to)
    distance = distance_to(unit)
    if distance > MAX_DISTANCE_KM:
        raise LocationError("Toạ độ (lat/long) nằm ngoài địa bàn tỉnh.")
    return unit


def resolve(*, address_id: str = "", address_string: str = "", lat: str = "", long: str = "") -> Place:
    """The commune (and coordinates, when given) of an Open311 request; raise LocationError."""
    latitude = longitude = None
    if lat.strip() or long.strip():
        if not (lat.strip() and long.strip()):
            raise LocationError("Cần gửi cả lat và long.")
        latitude = _number(lat, -90, 90, "lat")
        longitude = _number(long, -180, 180, "long")
    if address_id.strip():
        unit = communes().filter(code=address_id.strip()).first()
        if unit is None:
            raise LocationError(
                f"address_id {address_id.strip()!r} không phải mã xã, phường hiện hành của tỉnh."
            )
        return Place(unit, latitude, longitude, "address_id")
    if address_string.strip():
        unit = by_name(address_string)
        if unit is not None:
            return Place(unit, latitude, longitude, "address_string")
        if latitude is None:
            raise LocationError(
                "address_string không nêu tên một xã, phường của tỉnh; hãy thêm tên xã, phường, "
                "hoặc gửi address_id (mã xã) hay lat/long."
            )
    if latitude is None or longitude is None:
        raise LocationError("Cần vị trí: lat và long, address_string hoặc address_id.")
    return Place(nearest(latitude, longitude), latitude, longitude, "lat_long")
