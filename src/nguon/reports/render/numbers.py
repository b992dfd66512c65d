"""Numbers written the Vietnamese way: "." between thousands, "," before decimals (1.234,5)."""

from __future__ import annotations

from decimal import Decimal


def vn(value: int | Decimal | float | None, *, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(part: int | Decimal, whole: int | Decimal) -> str:
    if not whole:
        return "—"
    return vn(Decimal(part) * 100 / Decimal(whole), decimals=1) + "%"
