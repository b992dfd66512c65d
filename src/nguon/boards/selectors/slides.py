"""Slides: what one playlist entry shows, in the manifest's ``slide`` form (see docs/boards.md).

Text (announcements and bulletins) becomes one slide per page of at most ~220 characters, each with the
item's title as heading; an image or a video one slide with its media; a clock one slide. Slide ids are
given later, per window (:mod:`nguon.boards.selectors.timeline`).
"""

from __future__ import annotations

from datetime import datetime
from math import ceil
from typing import Any

from nguon.boards.choices import ItemKind, Layout
from nguon.boards.models import BoardItem
from nguon.boards.selectors.bulletins import LiveText
from nguon.boards.services.text import pages, plain_text
from nguon.content.choices import AttachmentKind
from nguon.devices.services.manifests import media_ref

MIN_MS = 1000
MAX_MS = 3_600_000


def clamp_ms(seconds: float) -> int:
    return max(MIN_MS, min(MAX_MS, round(seconds * 1000)))


def _within(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or since <= at) and (until is None or at < until)


def is_active(item: BoardItem, at: datetime, texts: dict[int, LiveText]) -> bool:
    """True when ``item`` may be shown at ``at``: not archived, within its own validity and (for a
    bulletin) its bulletin's, the bulletin still published, the media of an image/video present."""
    if item.archived_at is not None and item.archived_at <= at:
        return False
    if not _within(at, item.valid_from, item.valid_until):
        return False
    if item.kind == ItemKind.BULLETIN:
        text = texts.get(item.bulletin_id or 0)
        if text is None or not _within(at, text.valid_from, text.valid_until):
            return False
    return not (item.kind in (ItemKind.IMAGE, ItemKind.VIDEO) and item.media_id is None)


def boundaries(item: BoardItem, texts: dict[int, LiveText]) -> list[datetime]:
    """Moments at which ``item`` starts or stops being showable."""
    moments = [item.valid_from, item.valid_until, item.archived_at]
    if item.kind == ItemKind.BULLETIN and (text := texts.get(item.bulletin_id or 0)) is not None:
        moments += [text.valid_from, text.valid_until]
    return [m for m in moments if m is not None]


def _decor(item: BoardItem) -> dict[str, Any]:
    """Layout, theme, ticker and side panel, as the item sets them."""
    out: dict[str, Any] = {"layout": item.layout, "theme": item.theme}
    if item.layout == Layout.TICKER and item.ticker:
        out["ticker"] = plain_text(item.ticker, multiline=False).text[:1000]
    if item.layout == Layout.SPLIT:
        side: dict[str, Any] = {}
        if item.side_title:
            side["heading"] = plain_text(item.side_title, multiline=False).text[:300]
        if item.side_body:
            side["body"] = plain_text(item.side_body).text[:2000]
        media = item.media
        if item.kind in (ItemKind.TEXT, ItemKind.BULLETIN) and media and media.kind == AttachmentKind.IMAGE:
            side["media"] = media_ref(media)
        if side:
            out["side"] = side
    return out


def item_slides(
    item: BoardItem, *, duration_seconds: int | None, texts: dict[int, LiveText]
) -> list[dict[str, Any]]:
    """The slides of one playlist entry (``duration_seconds`` overrides the item's own per page)."""
    per_page = clamp_ms(duration_seconds or item.duration_seconds or 15)
    decor = _decor(item)
    source = {"type": "board-item", "id": str(item.pk)}
    if item.kind in (ItemKind.TEXT, ItemKind.BULLETIN):
        heading, body = item.title, item.body
        if item.kind == ItemKind.BULLETIN:
            text = texts[item.bulletin_id or 0]
            heading = text.title
            body = text.body_text or text.summary
            source = {"type": "bulletin", "id": str(item.bulletin_id)}
        heading = plain_text(heading, multiline=False).text[:300]
        bodies = pages(plain_text(body).text) or [""]
        return [
            {
                "kind": "text",
                **decor,
                "heading": heading,
                **({"body": page} if page else {}),
                "duration_ms": per_page,
                "source": source,
            }
            for page in bodies
        ]
    if item.kind in (ItemKind.IMAGE, ItemKind.VIDEO) and item.media is not None:
        duration = per_page
        if item.kind == ItemKind.VIDEO and not duration_seconds and item.media.duration_seconds:
            duration = clamp_ms(ceil(item.media.duration_seconds))
        return [
            {
                "kind": str(item.kind),
                **decor,
                "media": media_ref(item.media),
                "duration_ms": duration,
                "source": source,
            }
        ]
    if item.kind == ItemKind.CLOCK:
        title = plain_text(item.title, multiline=False).text[:300]
        return [
            {
                "kind": "clock",
                **decor,
                **({"heading": title} if title else {}),
                "duration_ms": per_page,
                "source": source,
            }
        ]
    return []
