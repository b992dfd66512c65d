"""Computed measures of Đề án 614 targets, built on the reports app's computed indicators so the tracker
and the periodic reports count the same way (``nguon.reports.indicators.computed``).

A measure is read *as of* a day over the communes of the plan's province that are current then. Device and
station counts are as they stood that day ("working": a heartbeat in the last 7 days); feedback counts use
the 365 days ending that day. ``computed_key`` is one of :data:`MEASURES` or ``indicator:<code>`` (the
province total of a computed reports indicator, for count targets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nguon.reports.indicators.computed import Values, compute
from nguon.reports.indicators.registry import COMPUTED, INDICATORS
from nguon.reports.periods import YEAR, Period
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

WINDOW_DAYS = 365
INDICATOR_PREFIX = "indicator:"


@dataclass(frozen=True)
class Measured:
    """A computed value and what it was computed from (kept with the measurement)."""

    value: Decimal
    detail: dict[str, Any]


def window(as_of: date) -> Period:
    """The 365 days ending on ``as_of`` as a reports period (whole local days)."""
    first = as_of - timedelta(days=WINDOW_DAYS - 1)
    return Period(f"plan614:{as_of.isoformat()}", YEAR, as_of.year, first, as_of, as_of)


def communes(province: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(
            path__startswith=province.path, level=UnitLevel.COMMUNE, is_current=True
        ).order_by("code")
    )


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _communes_with(code: str, label: str) -> Callable[[Values, list[AdministrativeUnit]], Measured]:
    def measure(values: Values, units: list[AdministrativeUnit]) -> Measured:
        having = sum(1 for u in units if values.get(code, {}).get(u.pk, 0))
        return Measured(
            _share(having, len(units)), {"rule": label, "communes": len(units), "communes_with": having}
        )

    return measure


def _feedback_handled(values: Values, units: list[AdministrativeUnit]) -> Measured:
    received = sum(values.get("feedback_received", {}).values())
    handled = sum(values.get("feedback_handled", {}).values())
    return Measured(
        min(Decimal(100), _share(handled, received)),
        {
            "rule": "feedback_handled / feedback_received (365 ngày, tối đa 100)",
            "received": received,
            "handled": handled,
        },
    )


def _feedback_on_time(values: Values, units: list[AdministrativeUnit]) -> Measured:
    handled = sum(values.get("feedback_handled", {}).values())
    on_time = sum(values.get("feedback_on_time", {}).values())
    return Measured(
        _share(on_time, handled),
        {"rule": "feedback_on_time / feedback_handled (365 ngày)", "handled": handled, "on_time": on_time},
    )


#: key → (label, function of the computed indicator values over the communes).
MEASURES: dict[str, tuple[str, Callable[[Values, list[AdministrativeUnit]], Measured]]] = {
    "communes_it_radio": (
        "Tỷ lệ xã, phường có đài truyền thanh ứng dụng CNTT-VT",
        _communes_with("stations_it", "xã có ≥ 1 đài CNTT-VT / tổng số xã"),
    ),
    "communes_cluster_working": (
        "Tỷ lệ xã, phường có cụm loa CNTT-VT đang hoạt động",
        _communes_with("clusters_working", "xã có ≥ 1 cụm loa có tín hiệu trong 7 ngày / tổng số xã"),
    ),
    "communes_eboard_working": (
        "Tỷ lệ xã, phường có bảng tin điện tử công cộng kết nối hệ thống",
        _communes_with("eboards_working", "xã có ≥ 1 bảng tin có tín hiệu trong 7 ngày / tổng số xã"),
    ),
    "feedback_handled_share": ("Tỷ lệ phản ánh được xử lý trên hệ thống", _feedback_handled),
    "feedback_on_time_share": ("Tỷ lệ phản ánh được trả lời đúng hạn", _feedback_on_time),
}


def computed_indicator_codes() -> list[str]:
    return [i.code for i in INDICATORS if i.source == COMPUTED]


def known_keys() -> list[str]:
    """Every valid ``computed_key``."""
    return list(MEASURES) + [INDICATOR_PREFIX + code for code in computed_indicator_codes()]


def label(key: str) -> str:
    if key in MEASURES:
        return MEASURES[key][0]
    code = key.removeprefix(INDICATOR_PREFIX)
    for indicator in INDICATORS:
        if indicator.code == code:
            return f"{indicator.name} (tổng toàn tỉnh)"
    return key


def measure(key: str, province: AdministrativeUnit, as_of: date) -> Measured:
    """The value of ``key`` over the communes of ``province`` as of ``as_of``; ``KeyError`` if unknown."""
    units = communes(province)
    values = compute(window(as_of), units)
    if key in MEASURES:
        return MEASURES[key][1](values, units)
    code = key.removeprefix(INDICATOR_PREFIX)
    if not key.startswith(INDICATOR_PREFIX) or code not in computed_indicator_codes():
        raise KeyError(key)
    total = sum(values.get(code, {}).values())
    return Measured(Decimal(total), {"rule": f"tổng chỉ số {code} các xã", "communes": len(units)})
