"""Reporting periods: the half-year (data from 1/12 of the previous year to 30/5, due 10/6) and the year
(data from 1/12 of the previous year to 30/11, due 10/12), named "2026-H1" and "2026-Y".

Pure code (no database): periods are derived from their code; ``ReportCycle`` rows hold their state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HALF_YEAR = "half_year"
YEAR = "year"
_CODE = re.compile(r"^(\d{4})-(H1|Y)$")


class PeriodCodeError(ValueError):
    """A period code that is not "YYYY-H1" or "YYYY-Y"."""


@dataclass(frozen=True)
class Period:
    code: str
    kind: str
    year: int
    first_day: date
    last_day: date
    due: date

    @property
    def start(self) -> datetime:
        """The first instant of the period (local midnight), zone-aware."""
        return datetime.combine(self.first_day, time.min, tzinfo=LOCAL)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound), zone-aware."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=LOCAL)

    @property
    def label(self) -> str:
        return f"6 tháng đầu năm {self.year}" if self.kind == HALF_YEAR else f"năm {self.year}"

    @property
    def range_label(self) -> str:
        return f"từ ngày {self.first_day:%d/%m/%Y} đến ngày {self.last_day:%d/%m/%Y}"


def parse(code: str) -> Period:
    match = _CODE.match((code or "").strip().upper())
    if match is None:
        raise PeriodCodeError(
            f"Kỳ báo cáo “{code}” không hợp lệ: dùng NĂM-H1 (6 tháng) hoặc NĂM-Y (cả năm), ví dụ 2026-H1."
        )
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100:
        raise PeriodCodeError(f"Năm {year} nằm ngoài khoảng cho phép.")
    first = date(year - 1, 12, 1)
    if part == "H1":
        return Period(f"{year}-H1", HALF_YEAR, year, first, date(year, 5, 30), date(year, 6, 10))
    return Period(f"{year}-Y", YEAR, year, first, date(year, 11, 30), date(year, 12, 10))


def current(today: date) -> Period:
    """The period whose data is being gathered on ``today`` (or whose report is due soonest)."""
    if today <= date(today.year, 6, 10):
        return parse(f"{today.year}-H1")
    if today <= date(today.year, 12, 10):
        return parse(f"{today.year}-Y")
    return parse(f"{today.year + 1}-H1")
