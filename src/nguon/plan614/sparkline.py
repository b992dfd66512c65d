"""A small server-rendered SVG sparkline of a target's measurements (no JavaScript library): the values as
a line over time, the target value as a dashed line, the y axis from 0 to the larger of the two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT, PAD = 240, 48, 4


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    # Coordinates are strings with a dot, so a locale that writes "2,5" cannot break the SVG.
    points: str  # "x,y x,y …" for <polyline>
    last_x: str
    last_y: str
    target_y: str


def sparkline(series: list[tuple[date, Decimal]], target_value: Decimal) -> Sparkline | None:
    """The geometry for ``series`` (day, value), or None when there is nothing to draw."""
    if not series:
        return None
    ordered = sorted(series)
    top = max([target_value, *(v for _, v in ordered)]) or Decimal(1)
    first, last = ordered[0][0], ordered[-1][0]
    span = (last - first).days or 1

    def x(day: date) -> float:
        if len(ordered) == 1:
            return WIDTH / 2
        return round(PAD + (WIDTH - 2 * PAD) * (day - first).days / span, 1)

    def y(value: Decimal) -> float:
        return round(float(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top), 1)

    coords = [(x(d), y(v)) for d, v in ordered]
    return Sparkline(
        WIDTH,
        HEIGHT,
        " ".join(f"{cx},{cy}" for cx, cy in coords),
        str(coords[-1][0]),
        str(coords[-1][1]),
        str(y(target_value)),
    )
