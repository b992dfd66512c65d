"""Amounts: numbers with their unit or currency, percentages, ranges ("30-50%") and sums ("2 + 3")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from .numbers import NUMBER_PATTERN, ReadingStyle, read_number
from .patterns import HAS_DIGIT, literal_words, number

# Units are read only right after a number ("5 m" is "năm mét", a lone "m" is left alone).
UNITS: Mapping[str, str] = MappingProxyType(
    {
        "km/h": "ki-lô-mét trên giờ",
        "m/s": "mét trên giây",
        "m3/s": "mét khối trên giây",
        "km2": "ki-lô-mét vuông",
        "km": "ki-lô-mét",
        "m2": "mét vuông",
        "m3": "mét khối",
        "cm": "xen-ti-mét",
        "mm": "mi-li-mét",
        "m": "mét",
        "ha": "héc-ta",
        "kg": "ki-lô-gam",
        "g": "gam",
        "mg": "mi-li-gam",
        "ml": "mi-li-lít",
        "l": "lít",
        "lít": "lít",
        "tấn": "tấn",
        "tạ": "tạ",
        "°C": "độ xê",
        "oC": "độ xê",
        "°": "độ",
        "%": "phần trăm",
        "‰": "phần nghìn",
        "MW": "mê-ga-oát",
        "MWh": "mê-ga-oát giờ",
        "kW": "ki-lô-oát",
        "kWh": "ki-lô-oát giờ",
        "GW": "gi-ga-oát",
        "W": "oát",
        "kV": "ki-lô-vôn",
        "V": "vôn",
        "hPa": "héc-tô-pát-xcan",
        "h": "giờ",
        "đồng": "đồng",
        "đ": "đồng",
        "Đ": "đồng",
        "VNĐ": "đồng",
        "VND": "đồng",
        "vnđ": "đồng",
        "vnd": "đồng",
        "USD": "đô la Mỹ",
        "usd": "đô la Mỹ",
        "$": "đô la Mỹ",
        "EUR": "ơ-rô",
        "€": "ơ-rô",
    }
)
CURRENCIES = frozenset(key for key, value in UNITS.items() if value in ("đồng", "đô la Mỹ", "ơ-rô"))
# What may follow "/" after a unit: "đồng/người" (đồng một người), "tấn/ha" (tấn trên héc-ta).
PER: Mapping[str, str] = MappingProxyType(
    {
        **{
            key: UNITS[key]
            for key in ("h", "ha", "kg", "tấn", "tạ", "km", "km2", "m", "m2", "m3", "l", "lít")
        },
        "s": "giây",
        **{
            word: word
            for word in ("giờ", "giây", "phút", "ngày", "tuần", "tháng", "năm", "người", "hộ", "lượt")
        },
        **{
            word: word for word in ("suất", "con", "chiếc", "cái", "lần", "liều", "buổi", "sào", "khẩu", "xã")
        },
    }
)


def _alternatives(keys: Mapping[str, str]) -> str:
    return "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))


_UNIT = rf"(?:{_alternatives(UNITS)})"
_PER = rf"(?:{_alternatives(PER)})"
_OPERATORS = {"-": "đến", "+": "cộng", "/": "trên"}


def _amount(name: str, *, after_code: bool) -> str:
    return (
        rf"(?P<{name}>{number(after_code=after_code)})"
        rf"(?:\s*(?P<{name}_unit>{_UNIT})(?:\s*/\s*(?P<{name}_per>{_PER}))?(?![\w]))?"
    )


# A number glued to "COVID-" is part of the code, not the end of a range.
_QUANTITY = re.compile(
    rf"{_amount('a', after_code=False)}(?:\s*(?P<op>[-+/])\s*{_amount('b', after_code=True)})?"
)
# "đồng/tháng" and "người/km2" after a word: the rate reading without a number in front.
_WORD_PER = re.compile(rf"(?P<w>[^\W\d_](?<![^\W\d_].)[^\W\d_]*+)\s*/\s*(?P<per>{_PER})(?![\w])")
# "Km 15+200", "Km5": a kilometre post on a road.
_KILOMETRE_POST = re.compile(rf"{literal_words(['Km', 'KM'])}\s?(?P<n>\d++)(?:\+(?P<m>\d++))?(?![\w])")
_PREFIX_CURRENCY = re.compile(rf"(?:US)?(?P<c>[$€])\s*(?P<n>{NUMBER_PATTERN})")
_COMPARISON = re.compile(r"(?P<s>[<>≥≤~])(?<!\w.)\s*(?=\d)")
_COMPARISONS = {">": "trên", "<": "dưới", "≥": "từ", "≤": "không quá", "~": "khoảng"}
# "-2°C", "- 2 độ" and "-2,5%" are negative; "30-50%" is a range and "- 5 người" a bullet.
_MINUS = re.compile(r"-(?<![\w.,]-)(?:\s?(?=\d[\d.,]*\s*(?:°|oC|độ))|(?=\d[\d.,]*\s*%))")


def _unit_words(unit: str, per: str | None) -> str:
    """A unit and its rate: tấn/ha is "tấn trên héc-ta"; đồng/tháng is "đồng một tháng", %/năm "phần trăm một năm"."""
    words = UNITS[unit]
    if per:
        separator = "một" if unit in CURRENCIES or unit in ("%", "‰") else "trên"
        words += f" {separator} {PER[per]}"
    return words


def _word_per(match: re.Match[str]) -> str:
    word, per = match["w"], match["per"]
    if word in UNITS:
        return f" {_unit_words(word, per)} "
    if per in UNITS:  # a unit symbol: "người/km2" is "người trên ki-lô-mét vuông"
        return f" {word} trên {PER[per]} "
    return f" {word} một {PER[per]} "  # "lần/năm", "suất/người"


def quantities(text: str, style: ReadingStyle) -> str:
    """Replace every remaining written number, with the unit or currency that follows it."""
    if not HAS_DIGIT.search(text):
        return text

    def quantity(match: re.Match[str]) -> str:
        words = [read_number(match["a"], style)]
        if match["a_unit"]:
            words.append(_unit_words(match["a_unit"], match["a_per"]))
        if match["op"]:
            words += [_OPERATORS[match["op"]], read_number(match["b"], style)]
            if match["b_unit"]:
                words.append(_unit_words(match["b_unit"], match["b_per"]))
        return f" {' '.join(words)} "

    def kilometre_post(match: re.Match[str]) -> str:
        words = f"ki-lô-mét {read_number(match['n'], style)}"
        return f" {words} cộng {read_number(match['m'], style)} " if match["m"] else f" {words} "

    if "-" in text:
        text = _MINUS.sub(" âm ", text)
    text = _COMPARISON.sub(lambda m: f" {_COMPARISONS[m['s']]} ", text)
    if "$" in text or "€" in text:
        text = _PREFIX_CURRENCY.sub(lambda m: f" {m['n']} {'USD' if m['c'] == '$' else 'EUR'}", text)
    if "Km" in text or "KM" in text:
        text = _KILOMETRE_POST.sub(kilometre_post, text)
    text = _QUANTITY.sub(quantity, text)
    if "/" in text:
        text = _WORD_PER.sub(_word_per, text)
    return text
