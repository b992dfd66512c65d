"""Rich text of bulletins and directives: sanitised HTML in, plain text out (for speech and search).

Only a small editorial subset survives (paragraphs, emphasis, lists, headings, quotes, tables, links);
scripts, styles, event handlers, ``javascript:`` links and everything else are removed by ammonia (nh3).
"""

from __future__ import annotations

import html
import re

import nh3

from nguon.core.text import nfc

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

_BLOCK_END = re.compile(r"</(p|li|h[2-4]|blockquote|tr|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def sanitise(value: str) -> str:
    """Return ``value`` as safe HTML in NFC; plain text (no tags) becomes paragraphs."""
    text = nfc(value or "")
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def to_text(value: str) -> str:
    """Plain text of sanitised HTML: one line per block, entities decoded, spaces collapsed."""
    with_breaks = _BLOCK_END.sub("\n", value or "")
    text = html.unescape(_TAG.sub("", with_breaks))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()
