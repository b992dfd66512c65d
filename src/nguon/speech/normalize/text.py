"""Character-level preparation before the rules run and clean-up after them."""

from __future__ import annotations

import re
import unicodedata

from .numbers import ReadingStyle, read_integer
from .patterns import HAS_DIGIT

_SPECIAL = {
    "\u2212": "-", "’": "'", "‘": "'", "′": "'", "₫": "đ", "。": ".", "、": ",", "，": ",", "：": ":", "；": ";",
    "！": "!", "？": "?", "\u200b": " ", "°": "°", "€": "€", "‰": "‰", "≥": "≥", "≤": "≤",
}  # fmt: skip
_VARIATION_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_BY_CATEGORY = {"Pd": "-", "Ps": "(", "Pe": ")", "Cf": ""}


def _prepared(char: str) -> str:
    """What the character table makes of one character."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    if char.isascii():
        return char if char.isprintable() else " "
    category = unicodedata.category(char)
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category[0] == "L" or (category[0] == "M" and not _VARIATION_SELECTOR.match(char)):
        return char
    return _BY_CATEGORY.get(category, "" if category[0] == "M" else " ")


class _PrepareTable(dict[int, str]):
    """Digits of any script become ASCII, dashes "-", odd spaces " "; emoji and other symbols vanish."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _prepared(chr(code))
        return value


_PREPARE = _PrepareTable()
# After the character table and the rules, only these ASCII symbols (and a few kept by the table) remain.
_UNSPEAKABLE = re.compile(r"[\"#$%&'()*+/:;<=>@\[\\\]^_`{|}~€≥≤‰°]+")

_SYMBOLS = {
    "&": " và ",
    "%": " phần trăm ",
    "‰": " phần nghìn ",
    "°": " độ ",
    "@": " a còng ",
    "(": " , ",
    ")": " , ",
    "[": " , ",
    "]": " , ",
    "{": " , ",
    "}": " , ",
    ":": " , ",
    ";": " , ",
}
_SYMBOL = re.compile(r"\.\.+|[&%‰°@()\[\]{}:;]")
_DIGITS = re.compile(r"\d+")
# After the character table the only space left is " ".
_DASH = re.compile(r" -+(?= |$)|--+")
_LOOSE_HYPHEN = re.compile(r"-+(?![^\W\d_])|-(?<![^\W\d_]-)-*")
_MARKS = re.compile(r"[,.!?](?: *[,.!?])++")
_NO_SPACE_AFTER = re.compile(r"([,.!?])(?=[^ ])")


def prepare(line: str) -> str:
    """NFKC (so "m²" is "m2", "℃" is "°C", "①" is "1"), then the character table."""
    return unicodedata.normalize("NFKC", line).translate(_PREPARE)


def _punctuation(match: re.Match[str]) -> str:
    marks = match.group(0)
    for char in marks:
        if char in ".!?":
            return char
    return ","


def finish(text: str, style: ReadingStyle) -> str:
    """Read the remaining symbols, drop everything unspeakable and tidy spaces and punctuation."""
    text = _SYMBOL.sub(lambda m: "." if m.group(0).startswith("..") else _SYMBOLS[m.group(0)], text)
    if HAS_DIGIT.search(text):
        text = _DIGITS.sub(lambda m: f" {read_integer(m.group(0), style)} ", text)
    text = _UNSPEAKABLE.sub(" ", text).lstrip(" -")
    if "-" in text:
        text = _DASH.sub(" , ", text)
        text = _LOOSE_HYPHEN.sub(" ", text)
    text = " ".join(text.split())
    for mark in ",.!?":
        text = text.replace(" " + mark, mark)
    text = _MARKS.sub(_punctuation, text)
    text = _NO_SPACE_AFTER.sub(r"\1 ", text)
    text = text.lstrip(" ,.!?").rstrip(" ,")
    return unicodedata.normalize("NFC", text)
