"""The rules in the order they must run; one pipeline per (style, abbreviations, pronunciations)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from .abbreviations import DEFAULT_ABBREVIATIONS, AbbreviationExpander, whole_token_pattern
from .contact import addresses, phones
from .dates import dates, times
from .numbers import ReadingStyle
from .quantities import quantities
from .references import documents, headings
from .text import finish, prepare

Frozen = tuple[tuple[str, str], ...]


class Pipeline:
    """Normalises one line at a time. Build it through :func:`get_pipeline`, which caches it."""

    def __init__(self, style: ReadingStyle, abbreviations: Frozen, pronunciations: Frozen) -> None:
        self.style = style
        table = {**DEFAULT_ABBREVIATIONS, **dict(abbreviations)}
        # Pronunciations also apply to the parts of codes ("UBND" inside "614/QĐ-UBND").
        self.expander = AbbreviationExpander({**table, **dict(pronunciations)}, style)
        self.pronunciations = {key.casefold(): value for key, value in pronunciations if key.strip()}
        keys = sorted(self.pronunciations, key=len, reverse=True)
        self.pronunciation_pattern = _whole_words(keys) if keys else None
        self.steps: list[Callable[[str], str]] = [
            addresses,
            self._pronounce,
            lambda text: documents(text, style, self.expander),
            phones,
            lambda text: headings(text, style, self.expander),
            lambda text: dates(text, style),
            lambda text: times(text, style),
            lambda text: quantities(text, style),
            self.expander.apply,
        ]

    def _pronounce(self, text: str) -> str:
        if self.pronunciation_pattern is None:
            return text
        return self.pronunciation_pattern.sub(
            lambda m: f" {self.pronunciations[m.group(0).casefold()]} ", text
        )

    def line(self, line: str) -> str:
        text = prepare(line)
        if not text.strip():
            return ""
        for step in self.steps:
            text = step(text)
        return finish(text, self.style)


def _whole_words(keys: list[str]) -> re.Pattern[str]:
    """Case-insensitive whole words; a word glued to "-" or "/" belongs to a code and is left to it."""
    pattern = whole_token_pattern(keys, re.IGNORECASE).pattern
    return re.compile(rf"(?<![/-])(?:{pattern})(?![/-])", re.IGNORECASE)


def freeze(mapping: Mapping[str, str] | None) -> Frozen:
    """A hashable copy of a caller's table, without blank keys."""
    return tuple(sorted((key, value) for key, value in mapping.items() if key.strip())) if mapping else ()


@lru_cache(maxsize=32)
def get_pipeline(style: ReadingStyle, abbreviations: Frozen, pronunciations: Frozen) -> Pipeline:
    return Pipeline(style, abbreviations, pronunciations)
