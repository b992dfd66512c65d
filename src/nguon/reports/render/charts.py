"""Charts of the official report, for the figures officials would rather look at than read: broadcasts per
commune (the busiest ones), working devices against the fleet, feedback received and handled on time.

Drawn with matplotlib's Agg canvas (``Figure`` directly, no pyplot: no global figure state, safe in a web
worker) in a serif font that holds every Vietnamese letter (Liberation Serif, metric-compatible with the
Times New Roman of the text, else DejaVu Serif), as 300 dpi PNG sized for the Nghị định 30 text area
(A4 less 30 + 15 mm margins = 165 mm). Each chart carries the numbers it draws, so the docx can put them in a
table under it (readers who cannot see the picture get the same figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from io import BytesIO
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nguon.reports.render.numbers import percent, vn
from nguon.reports.selectors.tables import Table

DPI = 300
#: The drawing's width; the docx places it at this width inside the 165 mm text area.
WIDTH_MM = 160
_MM_PER_INCH = 25.4
FONTS = ("Liberation Serif", "DejaVu Serif")
TOP_COMMUNES = 10
_DARK, _LIGHT = "#1f4e79", "#9dc3e6"


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows (the caption, without its number), the PNG, and the numbers it draws."""

    key: str  # the part of the report it follows: "eboards" (devices), "broadcasts", "feedback"
    caption: str
    png: bytes
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    labels: tuple[str, ...]  # every text drawn in the picture (the tests check the font covers them)


@cache
def font_path() -> str:
    """The file of the first installed font of ``FONTS`` (DejaVu ships with matplotlib, so one exists)."""
    for family in FONTS:
        try:
            return str(
                font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            )
        except ValueError:
            continue
    return str(font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif")))


def _figure(height_mm: float) -> Figure:
    return Figure(figsize=(WIDTH_MM / _MM_PER_INCH, height_mm / _MM_PER_INCH), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    output = BytesIO()
    figure.savefig(output, format="png", dpi=DPI, facecolor="white")
    return output.getvalue()


def _style() -> dict[Any, Any]:
    name = font_manager.FontProperties(fname=font_path()).get_name()
    return {
        "font.family": "serif",
        "font.serif": [name, *FONTS],
        "font.size": 11,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _count_axis(axis: Axis) -> None:
    """Whole-number ticks written the Vietnamese way (1.234)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(lambda value, _: vn(value))


def _broadcasts(table: Table) -> Chart | None:
    played = [row for row in table.rows if row.values.get("broadcasts")]
    if len(table.rows) < 2 or not played:  # one commune's report: the number says it all
        return None
    played.sort(key=lambda row: (-int(row.values["broadcasts"] or 0), row.unit.code))
    top = played[:TOP_COMMUNES]
    names = [row.unit.name for row in top]
    counts = [int(row.values["broadcasts"] or 0) for row in top]
    figure = _figure(25 + 8 * len(top))
    axes = figure.add_subplot()
    bars = axes.barh(names[::-1], counts[::-1], color=_DARK)
    axes.bar_label(bars, labels=[vn(c) for c in counts[::-1]], padding=3)
    axes.set_xlabel("Lượt phát (theo biên nhận phát)")
    axes.margins(x=0.12)
    _count_axis(axes.xaxis)
    caption = (
        f"Lượt phát trên cụm loa của {len(top)} xã, phường phát nhiều nhất"
        if len(played) > len(top)
        else "Lượt phát trên cụm loa theo xã, phường"
    )
    rows = tuple(
        (row.unit.name, vn(count), vn(row.values.get("broadcast_minutes") or 0, decimals=1))
        for row, count in zip(top, counts, strict=True)
    )
    labels = (*names, *(vn(c) for c in counts), "Lượt phát (theo biên nhận phát)")
    return Chart(
        "broadcasts",
        caption,
        _png(figure),
        ("Xã, phường", "Lượt phát", "Thời lượng (phút)"),
        rows,
        labels,
    )


def _devices(table: Table) -> Chart | None:
    t = table.totals
    kinds = [
        ("Cụm loa", int(t["clusters"]), int(t["clusters_working"])),
        ("Bảng tin điện tử", int(t["eboards"]), int(t["eboards_working"])),
    ]
    if not any(total for _, total, _ in kinds):
        return None
    figure = _figure(60)
    axes = figure.add_subplot()
    places = range(len(kinds))
    width = 0.38
    total_bars = axes.bar([p - width / 2 for p in places], [k[1] for k in kinds], width, color=_LIGHT)
    working_bars = axes.bar([p + width / 2 for p in places], [k[2] for k in kinds], width, color=_DARK)
    total_bars.set_label("Tổng số")
    working_bars.set_label("Đang hoạt động")
    axes.bar_label(total_bars, labels=[vn(k[1]) for k in kinds], padding=2)
    axes.bar_label(working_bars, labels=[vn(k[2]) for k in kinds], padding=2)
    axes.set_xticks(list(places), [k[0] for k in kinds])
    axes.set_ylabel("Thiết bị")
    _count_axis(axes.yaxis)
    axes.margins(y=0.15)
    axes.legend(frameon=False)
    rows = tuple((name, vn(total), vn(working), percent(working, total)) for name, total, working in kinds)
    labels = ("Cụm loa", "Bảng tin điện tử", "Tổng số", "Đang hoạt động", "Thiết bị")
    return Chart(
        "eboards",
        "Thiết bị đang hoạt động so với tổng số (tín hiệu trong 7 ngày cuối kỳ)",
        _png(figure),
        ("Loại thiết bị", "Tổng số", "Đang hoạt động", "Tỷ lệ"),
        rows,
        labels,
    )


def _feedback(table: Table) -> Chart | None:
    t = table.totals
    bars_data = [
        ("Tiếp nhận", t["feedback_received"]),
        ("Đã xử lý", t["feedback_handled"]),
        ("Xử lý đúng hạn", t["feedback_on_time"]),
        ("Quá hạn", t["feedback_overdue"]),
    ]
    if not any(value for _, value in bars_data):
        return None
    names = [name for name, _ in bars_data]
    counts = [int(Decimal(value)) for _, value in bars_data]
    figure = _figure(60)
    axes = figure.add_subplot()
    bars = axes.bar(names, counts, color=[_LIGHT, _DARK, _DARK, "#c00000"], width=0.6)
    axes.bar_label(bars, labels=[vn(c) for c in counts], padding=2)
    axes.set_ylabel("Phản ánh, kiến nghị")
    _count_axis(axes.yaxis)
    axes.margins(y=0.15)
    rows = tuple((name, vn(count)) for name, count in zip(names, counts, strict=True))
    return Chart(
        "feedback",
        "Phản ánh, kiến nghị tiếp nhận và xử lý đúng hạn trong kỳ",
        _png(figure),
        ("Chỉ tiêu", "Số phản ánh"),
        rows,
        (*names, *(vn(c) for c in counts), "Phản ánh, kiến nghị"),
    )


def charts_for(table: Table) -> dict[str, Chart]:
    """The charts worth drawing for ``table``, by the report part they illustrate (a chart with nothing to
    show is left out)."""
    with mpl.rc_context(_style()):
        drawn = [_devices(table), _broadcasts(table), _feedback(table)]
    return {chart.key: chart for chart in drawn if chart is not None}
