"""Numbers read aloud the way a Vietnamese announcer reads them.

``number_to_words`` handles any integer; ``read_number`` reads a number *as written* in Vietnamese text,
where ``.`` groups thousands (``1.250.000``) and ``,`` marks the decimals (``3,5``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class ReadingStyle:
    """The regional choices made when reading numbers aloud.

    ``thousand``: 1.000 is "một nghìn" (Northern) or "một ngàn" (Southern).
    ``zero_tens``: 105 is "một trăm linh năm" (Northern) or "một trăm lẻ năm" (Southern).
    ``four_after_tens``: 24 is "hai mươi tư" (Northern) or "hai mươi bốn" (Southern).
    """

    name: str
    thousand: str
    zero_tens: str
    four_after_tens: str


NORTHERN = ReadingStyle(name="northern", thousand="nghìn", zero_tens="linh", four_after_tens="tư")
SOUTHERN = ReadingStyle(name="southern", thousand="ngàn", zero_tens="lẻ", four_after_tens="bốn")

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9
# Longer integers are codes rather than amounts: they are read digit by digit.
MAX_AMOUNT_DIGITS = 18
# An unbroken string of this many digits (tax code, account, ID card) is read digit by digit.
CODE_DIGITS = 9

# A number as written: digits with "." or "," between digit groups.
NUMBER_PATTERN = r"\d++(?:[.,]\d++)*+"

_VI_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_DECIMAL = re.compile(r"\d+,\d+")
_ROMAN = re.compile(r"(?=[IVXL])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _group_words(n: int, style: ReadingStyle, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads the hundreds even when zero (after a higher group)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(style.zero_tens)
            words.append(DIGIT_WORDS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGIT_WORDS[units])
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4:
            words.append(style.four_after_tens)
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(DIGIT_WORDS[units])
    return words


def _below_billion(n: int, style: ReadingStyle, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, style.thousand), (1, "")):
        group, n = divmod(n, scale)
        if group:
            words += _group_words(group, style, full)
            if name:
                words.append(name)
            full = True
    return words


def _words(n: int, style: ReadingStyle, full: bool) -> list[str]:
    if n >= _BILLION:
        high, low = divmod(n, _BILLION)
        words = [*_words(high, style, full), "tỷ"]
        if low:
            words += _below_billion(low, style, True)
        return words
    return _below_billion(n, style, full)


def number_to_words(n: int, *, style: ReadingStyle = NORTHERN) -> str:
    """Read an integer aloud: 2024 → "hai nghìn không trăm hai mươi tư"."""
    if n == 0:
        return DIGIT_WORDS[0]
    if n < 0:
        return "âm " + number_to_words(-n, style=style)
    return " ".join(_words(n, style, False))


def read_digits(digits: str) -> str:
    """Digit by digit, as for telephone numbers: "0912" → "không chín một hai"."""
    return " ".join(DIGIT_WORDS[int(c)] for c in digits if "0" <= c <= "9")


_PHONE_GROUPS = {5: (2, 3), 6: (3, 3), 7: (4, 3), 8: (4, 4), 9: (3, 3, 3), 10: (4, 3, 3), 11: (4, 4, 3)}


def read_digit_groups(digits: str) -> str:
    """A long code digit by digit in the groups people say, with commas: 0912 345 678, 0208 3855 123."""
    sizes = _PHONE_GROUPS.get(len(digits)) or (3,) * ((len(digits) + 2) // 3)
    groups, start = [], 0
    for size in sizes:
        if digits[start : start + size]:
            groups.append(read_digits(digits[start : start + size]))
        start += size
    return ", ".join(groups)


def read_integer(digits: str, style: ReadingStyle = NORTHERN) -> str:
    """An integer as written. "05" is an amount (năm); "0123" or a 20-digit string is a code."""
    stripped = digits.lstrip("0")
    if not stripped:
        return DIGIT_WORDS[0]
    if len(stripped) > MAX_AMOUNT_DIGITS or (digits.startswith("0") and len(digits) >= 4):
        return read_digits(digits)
    return number_to_words(int(stripped), style=style)


def read_fraction(digits: str, style: ReadingStyle = NORTHERN) -> str:
    """The part after the decimal comma: "5" → năm, "25" → hai mươi lăm, "05" → không năm."""
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    words = [DIGIT_WORDS[0]] * zeros
    if rest:
        words.append(number_to_words(int(rest), style=style) if len(rest) <= 3 else read_digits(rest))
    return " ".join(words)


def read_number(token: str, style: ReadingStyle = NORTHERN) -> str:
    """A number as written in Vietnamese text: "1.250.000", "3,5", "0,25", "2024", "1.2.3"."""
    # Bulletins repeat the same numbers (years, dates, amounts); short ones are worth remembering.
    return _read_number_cached(token, style) if len(token) <= 32 else _read_number(token, style)


@lru_cache(maxsize=4096)
def _read_number_cached(token: str, style: ReadingStyle) -> str:
    return _read_number(token, style)


def _read_number(token: str, style: ReadingStyle) -> str:
    if token.isdigit():
        # Amounts are written with "." between thousands; a long unbroken number is a code or an account.
        return read_digit_groups(token) if len(token) >= CODE_DIGITS else read_integer(token, style)
    if _VI_THOUSANDS.fullmatch(token):
        whole, _, fraction = token.partition(",")
        words = read_integer(whole.replace(".", ""), style)
        return f"{words} phẩy {read_fraction(fraction, style)}" if fraction else words
    if _EN_THOUSANDS.fullmatch(token):
        whole, _, fraction = token.partition(".")
        words = read_integer(whole.replace(",", ""), style)
        return f"{words} chấm {read_fraction(fraction, style)}" if fraction else words
    if _DECIMAL.fullmatch(token):
        whole, fraction = token.split(",")
        return f"{read_integer(whole, style)} phẩy {read_fraction(fraction, style)}"
    # Section numbers "1.2.3" are read with "chấm"; "1,2,3" is a list.
    parts = re.split(r"([.,])", token)
    pieces = [
        read_integer(part, style) if part.isdigit() else ("chấm" if part == "." else ",") for part in parts
    ]
    return " ".join(pieces).replace(" ,", ",")


def ordinal_words(n: int, style: ReadingStyle = NORTHERN) -> str:
    """After "thứ": 1 → nhất, 4 → tư, otherwise the cardinal (thứ hai, thứ mười bốn)."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return number_to_words(n, style=style)


def month_words(month: int, style: ReadingStyle = NORTHERN) -> str:
    """After "tháng": month 4 is "tư" in every region ("tháng bốn" is wrong)."""
    return "tư" if month == 4 else number_to_words(month, style=style)


def roman_to_int(text: str) -> int | None:
    """Value of a Roman numeral up to 89 (I … LXXXIX), or None if the text is not one."""
    if not text or not _ROMAN.fullmatch(text):
        return None
    total = 0
    previous = 0
    for char in reversed(text):
        value = _ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total
