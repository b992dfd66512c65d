"""Splitting a bulletin into sentences."""

from __future__ import annotations

import re

# A "." after these words shortens the word; it does not end the sentence ("TP. Thái Nguyên").
NO_BREAK_AFTER = frozenset(
    {
        "TP", "Tp", "tp", "TT", "Tt", "TX", "Tx", "Q", "P", "H", "X", "ThS", "Th.S", "TS", "PGS", "GS", "PGS.TS",
        "GS.TS", "BS", "BSCKI", "BSCKII", "KS", "CN", "Đ/c", "đ/c", "St", "No", "Mr", "Mrs", "Ms", "Dr", "tr", "Tr",
    }
)  # fmt: skip
_END = re.compile(r"(?:[.!?…]++)[\"'”’»)\]]*+(?=\s|$)")
_LIST_MARKER = re.compile(r"(?:\d+(?:\.\d+)*|[IVXLivxl]+|[a-zđA-ZĐ])\.")
_LAST_WORD = re.compile(r"(?<!\S)\S{1,12}\Z")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_OPENERS = "\"'“‘«(["


def _is_break(line: str, start: int, match: re.Match[str]) -> bool:
    following = _NEXT_CHAR.match(line, match.end())
    if following is not None and following.group(1).islower():
        return False
    if match.group(0) != ".":
        return True
    if match.end() - start <= 16 and _LIST_MARKER.fullmatch(line[start : match.end()].strip()):
        return False
    last = _LAST_WORD.search(line, max(0, match.start() - 12), match.start())
    return last is None or last.group(0).lstrip(_OPENERS) not in NO_BREAK_AFTER


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? … and line breaks, but not inside numbers (1.250.000, 3,5), addresses
    (thainguyen.gov.vn), after abbreviations (TP., ThS., PGS.TS.), in "v.v." or before a lowercase word.
    Each sentence keeps its final punctuation; empty sentences are dropped."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _END.finditer(line):
            if _is_break(line, start, match):
                sentence = line[start : match.end()].strip()
                if sentence:
                    sentences.append(sentence)
                start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences
