"""Dates and times as provincial radio reads them.

"29/3/2024" → "ngày hai mươi chín tháng ba năm hai nghìn không trăm hai mươi tư" ("ngày" is added when
missing); days 1–10 take "mồng" ("ngày mồng một tháng bảy"); month 4 is always "tháng tư".
"15h30" → "mười lăm giờ ba mươi phút"; "14:00" → "mười bốn giờ".
"""

from __future__ import annotations

import calendar
import re

from .numbers import ReadingStyle, month_words, read_integer
from .patterns import HAS_DIGIT, keywords

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)"
_END = r"(?![\w/]|[.,]\d)"
_NEXT_DATE = rf"(?P<to>\s*-\s*(?={_DAY}/{_MONTH}(?!\d)))?"
_DAY_RANGE = re.compile(
    rf"(?P<a>\d(?<![\w/.,]\d)\d?)\s*-\s*(?P<b>{_DAY})/(?P<m>{_MONTH})(?:/(?P<y>{_YEAR}))?{_END}"
)
_ISO_DATE = re.compile(
    rf"(?P<y>\d(?<![\w/.,]\d)\d{{3}})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01]){_END}"
)
_DATE = re.compile(
    rf"(?P<d>\d(?<![\w/.,]\d)\d?)(?:/(?P<m>{_MONTH})(?:/(?P<y>{_YEAR}))?"
    rf"|(?P<sep>[.-])(?P<m2>{_MONTH})(?P=sep)(?P<y2>{_YEAR})){_END}{_NEXT_DATE}"
)
_MONTH_YEAR = re.compile(rf"(?P<m>\d(?<![\w/.,]\d)\d?)/(?P<y>{_YEAR}){_END}")
# Words that may stand before a date instead of "ngày"; found by looking back from the number.
_KEYWORD_BEFORE = re.compile(
    r"(?<!\w)(?P<kw>ngày|mồng|mùng|rạng sáng|sáng|trưa|chiều|tối|đêm|khuya|hôm)\s+\Z", re.IGNORECASE
)
# "số nhà 12/3", "ngõ 5/2", "hơn 1/3", "đạt 9/10": a house number or a fraction, not a date.
_NOT_A_DATE_BEFORE = re.compile(
    r"(?<!\w)(?:số nhà|nhà số|số|ngõ|ngách|hẻm|kiệt|tỷ lệ|hơn|gần|khoảng|chiếm|đạt)\s*:?\s*\Z", re.IGNORECASE
)
_MONTH_BEFORE = re.compile(r"(?<!\w)tháng\s+\Z", re.IGNORECASE)
# "ngày 5 tháng 9", "ngày 5-7 tháng 9", "ngày 10, 11": days 1–10 take "mồng".
_DAY_WORD = re.compile(
    rf"(?P<kw>{keywords('ngày')})\s+(?P<d>0?[1-9]|10)(?:\s*-\s*(?P<d2>0?[1-9]|[12]\d|3[01]))?"
    r"(?=\s*(?:(?:tháng|và|đến|hoặc)(?![\w])|[,.](?!\d)|[;!?)]|$))"
)
_MONTH_WORD = re.compile(
    rf"(?P<kw>{keywords('tháng')})\s+(?P<m>0?[1-9]|1[0-2])(?:\s*-\s*(?P<m2>0?[1-9]|1[0-2]))?(?![\w/]|[.,]\d)"
)

_NEXT_TIME = r"(?P<to>\s*-\s*(?=\d{1,2}\s*(?:h|g|giờ|:)))?"
_HOUR = r"(?P<h>\d(?<![\w.,]\d)\d?)"
_TIME_MINUTES = re.compile(
    rf"{_HOUR}(?:\s*(?:h|giờ)|g)\s*(?P<mi>[0-5]?\d)(?:\s*(?:phút|ph|p)(?![\w])|')?{_END}{_NEXT_TIME}"
)
# "8-10h": the first hour of the range has no "h" of its own.
_HOUR_RANGE_START = re.compile(rf"{_HOUR}\s*-\s*(?=\d{{1,2}}\s*h(?:[0-5]\d|(?![\w])))")
_TIME_HOURS = re.compile(rf"{_HOUR}\s*h(?![\w]){_NEXT_TIME}")
_TIME_COLON = re.compile(
    rf"(?P<h>\d(?<![\w.,:]\d)\d?):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\w:]|[.,]\d){_NEXT_TIME}"
)


def _day(day: int, style: ReadingStyle, mong: bool) -> str:
    words = read_integer(str(day), style)
    return f"mồng {words}" if mong and day <= 10 else words


def _keyword(match: re.Match[str]) -> str | None:
    """The word just before the date ("ngày", "đêm", "mồng"…), which stays in the text as written."""
    found = _KEYWORD_BEFORE.search(match.string, max(0, match.start() - 16), match.start())
    return found["kw"].lower() if found else None


def _opening(keyword: str | None, day: int, style: ReadingStyle) -> str:
    """Words for the day: "ngày mồng một" when no keyword precedes, "mồng bảy" after "đêm"."""
    if keyword is None:
        return f"ngày {_day(day, style, True)}"
    return _day(day, style, keyword not in ("mồng", "mùng"))


def _valid(day: int, month: int, year: str | None) -> bool:
    return 1 <= day <= calendar.monthrange(int(year) if year else 2024, month)[1]


def _month_year(month: int, year: str | None, style: ReadingStyle) -> str:
    words = f"tháng {month_words(month, style)}"
    return f"{words} năm {read_integer(year, style)}" if year else words


def dates(text: str, style: ReadingStyle) -> str:
    """Replace written dates (d/m/y, d-m-y, d.m.y, ISO, d/m, m/y, day ranges) with their reading."""
    if not HAS_DIGIT.search(text):
        return text

    def day_range(match: re.Match[str]) -> str:
        first, last, month, year = int(match["a"]), int(match["b"]), int(match["m"]), match["y"]
        if not (1 <= first < last and _valid(last, month, year)):
            return match.group(0)
        opening = _opening(_keyword(match), first, style)
        return f" {opening} đến {_day(last, style, True)} {_month_year(month, year, style)} "

    def full(match: re.Match[str]) -> str:
        groups = match.groupdict()
        day, month = int(groups["d"]), int(groups.get("m") or groups["m2"])
        year = groups.get("y") or groups.get("y2")
        if not _valid(day, month, year) or (year and not 1500 <= int(year) <= 2199):
            return match.group(0)
        keyword = _keyword(match)
        if not year and keyword is None:
            if day == 24 and month == 7:
                return match.group(0)  # "trực 24/7" is round the clock, not the 24th of July
            if _NOT_A_DATE_BEFORE.search(match.string, max(0, match.start() - 14), match.start()):
                return match.group(0)
        words = f"{_opening(keyword, day, style)} {_month_year(month, year, style)}"
        return f" {words} đến " if groups.get("to") else f" {words} "

    def month_year(match: re.Match[str]) -> str:
        month = int(match["m"])
        if not 1 <= month <= 12:
            return match.group(0)
        before = _MONTH_BEFORE.search(match.string, max(0, match.start() - 8), match.start())
        words = f"{month_words(month, style)} năm {read_integer(match['y'], style)}"
        return f" {words} " if before else f" tháng {words} "

    slash, dash = "/" in text, "-" in text
    if slash and dash:
        text = _DAY_RANGE.sub(day_range, text)
    if dash:
        text = _ISO_DATE.sub(full, text)
    if slash or dash or "." in text:
        text = _DATE.sub(full, text)
    if slash:
        text = _MONTH_YEAR.sub(month_year, text)

    def day_word(match: re.Match[str]) -> str:
        words = f"{match['kw']} {_day(int(match['d']), style, True)}"
        if match["d2"]:
            words += f" đến {_day(int(match['d2']), style, True)}"
        return f"{words} "

    def month_word(match: re.Match[str]) -> str:
        words = f"{match['kw']} {month_words(int(match['m']), style)}"
        if match["m2"]:
            words += f" đến tháng {month_words(int(match['m2']), style)}"
        return f"{words} "

    if "gày" in text or "GÀY" in text:
        text = _DAY_WORD.sub(day_word, text)
    if "háng" in text or "HÁNG" in text:
        text = _MONTH_WORD.sub(month_word, text)
    return text


def _time(match: re.Match[str], style: ReadingStyle, latest: int = 24, then: str = "") -> str:
    groups = match.groupdict()
    hours, minutes, seconds = groups["h"], groups.get("mi"), groups.get("s")
    if int(hours) > latest:
        return match.group(0)
    if then:
        return f" {read_integer(hours, style)}{then}"
    words = f"{read_integer(hours, style)} giờ"
    if minutes and int(minutes):
        words += f" {read_integer(minutes, style)} phút"
    if seconds and int(seconds):
        words += f" {read_integer(seconds, style)} giây"
    return f" {words} đến " if groups.get("to") else f" {words} "


def times(text: str, style: ReadingStyle) -> str:
    """Replace clock times (15h30, 7h, 14:05, 7 giờ 15, ranges 7h30-11h) with their reading."""
    if not HAS_DIGIT.search(text):
        return text
    if ":" in text:
        text = _TIME_COLON.sub(lambda m: _time(m, style, 23), text)
    if "-" in text:
        text = _HOUR_RANGE_START.sub(lambda m: _time(m, style, 24, " đến "), text)
    text = _TIME_MINUTES.sub(lambda m: _time(m, style), text)
    return _TIME_HOURS.sub(lambda m: _time(m, style), text)
