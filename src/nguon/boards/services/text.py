"""Text for boards: plain text only (HTML is sanitised away, never stored), split into readable pages.

A board shows plain text. Whatever arrives as HTML (an announcement pasted from a web page, a bulletin's
body) goes through the project's sanitiser (nh3: ``<script>``/``<style>`` are dropped with their content)
and is reduced to text; anything that still looks like a tag afterwards (for example ``&lt;script&gt;``
written as text) is removed too, so no markup can reach a board.

Pages: a long text becomes several slides of at most :data:`PAGE_CHARS` characters each, broken at
paragraph, then sentence, then word boundaries — never inside a word (a single word longer than a page
gets a page of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nguon.content.html import sanitise, to_text
from nguon.core.text import nfc

#: Aim for pages of at most this many characters (legible from a distance on an LED panel).
PAGE_CHARS = 220
#: At most this many pages per item (a window holds at most 200 slides).
MAX_PAGES = 40

_LOOKS_LIKE_HTML = re.compile(r"<\s*[a-zA-Z!/?]|&[a-zA-Z#][a-zA-Z0-9]*;")
_TAGLIKE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


@dataclass(frozen=True)
class Plain:
    """Plain text and whether HTML was removed to get it (the caller tells the person)."""

    text: str
    was_html: bool


def plain_text(value: str, *, multiline: bool = True) -> Plain:
    """``value`` as plain NFC text: HTML sanitised to text, tag-like leftovers and control characters
    removed, spaces collapsed; one paragraph per line (or one line when ``multiline`` is false)."""
    text = nfc(value or "").replace("\r\n", "\n").replace("\r", "\n")
    was_html = bool(_LOOKS_LIKE_HTML.search(text))
    if was_html:
        text = to_text(sanitise(text))
        stripped = _TAGLIKE.sub("", text)
        text = stripped
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    joined = "\n".join(lines) if multiline else " ".join(lines)
    return Plain(nfc(joined), was_html)


def _words(sentence: str, limit: int) -> list[str]:
    """A sentence longer than ``limit`` cut at spaces into parts of at most ``limit`` characters."""
    parts: list[str] = []
    current = ""
    for word in sentence.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[tuple[str, bool]]:
    """Units that may share a page, each with whether it starts a new paragraph."""
    pieces: list[tuple[str, bool]] = []
    for paragraph in text.split("\n"):
        first = True
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            for part in _words(sentence.strip(), limit) if len(sentence) > limit else [sentence.strip()]:
                if part:
                    pieces.append((part, first))
                    first = False
    return pieces


def pages(text: str, *, limit: int = PAGE_CHARS, max_pages: int = MAX_PAGES) -> list[str]:
    """``text`` split into pages of at most ``limit`` characters (paragraphs kept as lines)."""
    result: list[str] = []
    current = ""
    for piece, new_paragraph in _pieces(text, limit):
        joiner = "\n" if new_paragraph else " "
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            result.append(current)
            current = piece
    if current:
        result.append(current)
    return result[:max_pages]
