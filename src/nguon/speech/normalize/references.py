"""Document numbers, headings with Roman numerals, ordinals after "thứ" and road numbers."""

from __future__ import annotations

import re

from .abbreviations import UPPER, AbbreviationExpander
from .numbers import ReadingStyle, number_to_words, ordinal_words, read_integer, roman_to_int
from .patterns import HAS_DIGIT, digit_start, keywords, literal_words

_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)"
_CODE_PIECE = rf"[{UPPER}][{UPPER}a-zđ\d&]*+"
_FIRST_DIGIT = digit_start(r"\w/.,")
# 614/QĐ-UBND, 49/2024/NĐ-CP, 01/CT-TTg, 15/2023/QH15
_DOCUMENT = re.compile(
    rf"(?P<n>{_FIRST_DIGIT}\d*+)(?:/(?P<y>{_YEAR}))?/(?P<code>{_CODE_PIECE}(?:-{_CODE_PIECE})*+)(?![\w])"
)
# "số 12/2024" without a code: the year of the document, not a month.
_NUMBER_YEAR = re.compile(rf"(?P<kw>{keywords('số')})\s*:?\s*(?P<n>\d+)/(?P<y>{_YEAR})(?![\w/]|[.,]\d)")
_HEADING_WORDS = (
    "quý", "phần", "chương", "điều", "mục", "khóa", "khoá", "tập", "thế kỷ", "đại hội", "cấp", "loại", "vùng",
    "khu vực", "đợt", "giai đoạn", "phụ lục", "báo động", "thứ",
)  # fmt: skip
_HEADING = re.compile(
    rf"(?P<kw>{keywords(*_HEADING_WORDS)})\s+"
    rf"(?P<r>[IVXL]++|\d{{1,2}}(?=/{_YEAR}))(?:/(?P<y>{_YEAR}))?(?![\w/]|[.,]\d)"
)
_ROMAN_HINT = re.compile(r"[IVXL](?<![\w].)[IVXL]*+(?![\w])")
_LIST_MARKER = re.compile(r"\s*(?P<r>[IVX]++)\s*[.)](?=\s)")
_ORDINAL = re.compile(rf"(?P<kw>{keywords('thứ')})\s+(?P<n>\d{{1,3}})(?![\w/]|[.,]\d)")
_ROADS = {"QL": "quốc lộ", "ĐT": "đường tỉnh", "TL": "tỉnh lộ", "ĐH": "đường huyện"}
_ROAD_HINT = re.compile(r"QL|ĐT|TL|ĐH")
_ROAD = re.compile(rf"(?P<c>{literal_words(_ROADS)})\s?\.?\s?(?P<n>\d{{1,3}})(?P<s>[A-Z])?(?![\w])")


def documents(text: str, style: ReadingStyle, expander: AbbreviationExpander) -> str:
    """Document numbers: "49/2024/NĐ-CP" → "bốn mươi chín năm hai nghìn … nghị định chính phủ"."""
    if "/" not in text:
        return text

    def document(match: re.Match[str]) -> str:
        words = read_integer(match["n"], style)
        if match["y"]:
            words += f" năm {read_integer(match['y'], style)}"
        return f" {words} {expander.expand_code(match['code'])} "

    def number_year(match: re.Match[str]) -> str:
        return f"{match['kw']} {read_integer(match['n'], style)} năm {read_integer(match['y'], style)} "

    text = _DOCUMENT.sub(document, text)
    return _NUMBER_YEAR.sub(number_year, text)


def headings(text: str, style: ReadingStyle, letters: AbbreviationExpander) -> str:
    """Roman numerals after heading words, "thứ" + number, road numbers and line-initial "II." markers."""

    def heading(match: re.Match[str]) -> str:
        numeral = match["r"]
        value = int(numeral) if numeral.isdigit() else roman_to_int(numeral)
        if value is None or value == 0:
            return match.group(0)
        keyword = match["kw"]
        words = (
            ordinal_words(value, style) if keyword.lower() == "thứ" else number_to_words(value, style=style)
        )
        if match["y"]:
            words += f" năm {read_integer(match['y'], style)}"
        return f"{keyword} {words} "

    def marker(match: re.Match[str]) -> str:
        value = roman_to_int(match["r"])
        return match.group(0) if value is None else f"{number_to_words(value, style=style)}."

    def road(match: re.Match[str]) -> str:
        words = f"{_ROADS[match['c']]} {read_integer(match['n'], style)}"
        if match["s"]:
            words += f" {letters.expand_code(match['s'])}"
        return f" {words} "

    list_marker = _LIST_MARKER.match(text)
    if list_marker:
        text = marker(list_marker) + text[list_marker.end() :]
    if "/" in text or _ROMAN_HINT.search(text):
        text = _HEADING.sub(heading, text)
    if not HAS_DIGIT.search(text):
        return text
    if "hứ" in text or "HỨ" in text:
        text = _ORDINAL.sub(lambda m: f"{m['kw']} {ordinal_words(int(m['n']), style)} ", text)
    if _ROAD_HINT.search(text):
        text = _ROAD.sub(road, text)
    return text
