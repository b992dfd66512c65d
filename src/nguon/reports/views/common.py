"""What every report screen needs: the period from the URL, the periods offered, service errors by field,
numbers written the Vietnamese way. (Scoped reads are in ``selectors/scoped.py``.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from nguon.reports import periods
from nguon.reports.render.numbers import vn


def period_or_404(code: str) -> periods.Period:
    try:
        return periods.parse(code)
    except periods.PeriodCodeError:
        raise Http404 from None


def today() -> date:
    return timezone.localdate()


def choices(around: periods.Period) -> list[periods.Period]:
    """Periods offered in the picker: this year's and the two before it, and the next one."""
    now = periods.current(today())
    years = range(min(now.year, around.year) - 2, max(now.year, around.year) + 1)
    listed = [periods.parse(f"{y}-{part}") for y in years for part in ("H1", "Y")]
    return sorted({p.code: p for p in [*listed, around]}.values(), key=lambda p: p.code, reverse=True)


@dataclass(frozen=True)
class FieldErrors:
    """A service's ValidationError split by field ("" for the messages without one)."""

    by_field: dict[str, list[str]]

    @classmethod
    def of(cls, error: ValidationError) -> FieldErrors:
        if hasattr(error, "error_dict"):
            return cls({name: [str(m) for m in msgs] for name, msgs in error.message_dict.items()})
        return cls({"": [str(m) for m in error.messages]})

    def general(self) -> list[str]:
        return self.by_field.get("", []) + self.by_field.get("__all__", [])


def number(value: int | Decimal | None) -> str:
    """A figure as Vietnamese readers write it: 1.234 or 12,5 ("—" when there is none)."""
    if value is None:
        return "—"
    whole = Decimal(value) == Decimal(value).to_integral_value()
    return vn(value, decimals=0 if whole else 1)
