from datetime import date

import pytest

from nguon.reports.periods import PeriodCodeError, current, parse


def test_half_year_and_year_ranges_and_deadlines() -> None:
    half = parse("2026-h1")
    assert (half.code, half.first_day, half.last_day, half.due) == (
        "2026-H1",
        date(2025, 12, 1),
        date(2026, 5, 30),
        date(2026, 6, 10),
    )
    year = parse("2026-Y")
    assert (year.first_day, year.last_day, year.due) == (
        date(2025, 12, 1),
        date(2026, 11, 30),
        date(2026, 12, 10),
    )
    assert half.start.utcoffset() is not None
    assert str(half.start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert half.end.date() == date(2026, 5, 31)
    assert year.label == "năm 2026"


@pytest.mark.parametrize("code", ["2026", "2026-H2", "H1-2026", "", "1990-Y"])
def test_bad_codes_are_explained_in_vietnamese(code: str) -> None:
    with pytest.raises(PeriodCodeError) as error:
        parse(code)
    assert "Kỳ báo cáo" in str(error.value) or "Năm" in str(error.value)


def test_current_period_follows_the_deadlines() -> None:
    assert current(date(2026, 6, 10)).code == "2026-H1"
    assert current(date(2026, 6, 11)).code == "2026-Y"
    assert current(date(2026, 12, 11)).code == "2027-H1"
