"""The feed documents of a section: RSS 2.0 (with ``content:encoded``), Atom 1.0 (RFC 4287, with
``<content type="html">``) and JSON Feed 1.1, built from :class:`~nguon.portal.selectors.PublicItem`.

Text is cleaned for XML 1.0 (control characters and non-characters removed) in every format; bodies are
the sanitised HTML of the live revision, passed through the sanitiser once more on the way out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import feedgenerator
from django.utils.translation import gettext as _

from nguon.content.choices import Language
from nguon.content.html import sanitise
from nguon.feeds import links
from nguon.portal.selectors import PublicItem

#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, DEL, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
#: How many items a feed carries.
FEED_SIZE = 50


def clean(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", value or "")


def safe_body(item: PublicItem) -> str:
    """The item's body as sanitised HTML fit for XML."""
    return clean(sanitise(item.body))


def publisher(unit_full_name: str) -> str:
    """The people's committee of a unit, the holder of what it publishes ("Ủy ban nhân dân xã Định Hóa")."""
    name = clean(unit_full_name)
    return _("Ủy ban nhân dân %(unit)s") % {"unit": name[:1].lower() + name[1:]}


def dump_json(data: object) -> bytes:
    """Compact UTF-8 JSON with ``<``, ``>`` and ``&`` escaped, so no markup appears in the raw bytes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


@dataclass(frozen=True)
class FeedInfo:
    """The channel-level facts of one feed document."""

    title: str
    description: str
    language: str
    home_url: str
    feed_url: str
    updated: datetime | None


def feed_title(language: str, category_name: str | None, unit_name: str | None) -> str:
    parts = [_("Thông tin cơ sở"), str(Language(language).label)]
    if category_name:
        parts.append(category_name)
    if unit_name:
        parts.append(unit_name)
    return clean(" — ".join(parts))


#: The date of an empty feed (a constant, so equal ETags keep meaning equal bytes).
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


class _Stable:
    """The feed's date is the section's last change, never "now" (Django's default for an empty feed)."""

    feed: dict[str, Any]

    def latest_post_date(self) -> datetime:
        updated = self.feed.get("updated")
        return updated if isinstance(updated, datetime) else EPOCH


class _Rss(_Stable, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full sanitised body in ``content:encoded``."""

    def rss_attributes(self) -> dict[str, str]:
        attributes: dict[str, str] = super().rss_attributes()
        attributes["xmlns:content"] = RSS_CONTENT_NS
        return attributes

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class _Atom(_Stable, feedgenerator.Atom1Feed):
    """Atom 1.0 with ``<content type="html">`` (Django writes only the summary)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


def _syndication(
    kind: type[feedgenerator.SyndicationFeed], info: FeedInfo, items: Sequence[PublicItem]
) -> bytes:
    feed = kind(
        title=info.title,
        link=info.home_url,
        description=clean(info.description),
        language=info.language,
        feed_url=info.feed_url,
        feed_guid=info.feed_url,
        author_name=_("Hệ thống thông tin nguồn"),
        updated=info.updated,
    )
    for item in items:
        feed.add_item(
            title=clean(item.title),
            link=links.item_url(item.bulletin_id, info.language),
            description=html.escape(clean(item.summary)),
            author_name=publisher(item.unit.full_name),
            pubdate=item.published_at,
            updateddate=item.updated_at,
            unique_id=links.bulletin_tag(item.bulletin_id, info.language),
            unique_id_is_permalink=False,
            categories=[clean(item.category.name)],
            content_html=safe_body(item),
        )
    return feed.writeString("utf-8").encode()


def rss(info: FeedInfo, items: Sequence[PublicItem]) -> bytes:
    """An RSS 2.0 document."""
    return _syndication(_Rss, info, items)


def atom(info: FeedInfo, items: Sequence[PublicItem]) -> bytes:
    """An Atom 1.0 document."""
    return _syndication(_Atom, info, items)


def json_feed(info: FeedInfo, items: Sequence[PublicItem]) -> bytes:
    """A JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/)."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.feed_url,
        "description": clean(info.description),
        "language": info.language,
        "authors": [{"name": _("Hệ thống thông tin nguồn")}],
        "items": [
            {
                "id": links.bulletin_tag(item.bulletin_id, info.language),
                "url": links.item_url(item.bulletin_id, info.language),
                "title": clean(item.title),
                "content_html": safe_body(item),
                "content_text": clean(item.body_text),
                **({"summary": clean(item.summary)} if item.summary else {}),
                "date_published": item.published_at.isoformat(),
                "date_modified": item.updated_at.isoformat(),
                "language": item.language,
                "tags": [clean(item.category.name)],
                "authors": [{"name": publisher(item.unit.full_name)}],
                "_nguon": {
                    "bulletin_id": item.bulletin_id,
                    "revision": item.revision,
                    "category": item.category.code,
                    "unit": item.unit.code,
                    "priority": item.priority,
                    "is_translation": item.is_translation,
                },
            }
            for item in items
        ],
    }
    return dump_json(document)
