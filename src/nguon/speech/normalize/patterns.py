"""Regular-expression building blocks that stay fast on megabytes of text.

Python's ``re`` skips quickly to the positions where a match can start only when the pattern begins
with a literal or a character class. A pattern that begins with a look-behind ("not after a letter") is
tried at every position, several times slower. So the guard is written *after* the first character:
``\\d(?<![\\w]\\d)`` rather than ``(?<![\\w])\\d``. Keywords are listed in their usual casings instead of
using ``re.IGNORECASE``, which also disables the fast skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HAS_DIGIT = re.compile(r"\d")


def number(guard: str = r"\w.,", *, after_code: bool = True) -> str:
    """A written number ("1.250.000", "3,5", "2024") not glued to a character of ``guard`` on its left.

    With ``after_code=False`` it may not follow "CAPITAL-" either: the 19 of "COVID-19" belongs to the code.
    """
    code_guard = "" if after_code else r"(?<![A-ZĐ]-\d)"
    return rf"\d(?<![{guard}]\d){code_guard}\d*+(?:[.,]\d++)*+"


def digit_start(guard: str = r"\w.,") -> str:
    """A first digit not glued to a character of ``guard`` on its left (the rest is up to the caller)."""
    return rf"\d(?<![{guard}]\d)"


def cased(words: Iterable[str]) -> list[str]:
    """Each word as written, capitalised and in capitals: ngày, Ngày, NGÀY."""
    variants: dict[str, None] = {}
    for word in words:
        for variant in (word, word[:1].upper() + word[1:], word.upper(), word.lower()):
            variants[variant] = None
    return list(variants)


def literal_words(words: Iterable[str], guard: str = r"\w") -> str:
    """An alternation of literal words (longest first), each not preceded by a character of ``guard``."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        first = re.escape(word[0])
        if re.match(r"\w", word):
            parts.append(rf"{first}(?<![{guard}].){re.escape(word[1:])}")
        else:
            parts.append(re.escape(word))
    return "(?:" + "|".join(parts) + ")"


def keywords(*words: str) -> str:
    """Keywords in their usual casings, as whole words at their start: ``keywords("ngày")``."""
    return literal_words(cased(words))
