"""IPTC ninjs 2.1 (News in JSON, https://iptc.org/standards/ninjs/) for press agencies.

Version 2.1 is used (the schema vendored in ``schemas/ninjs-schema_2.1.json``): ``headlines``,
``descriptions`` and ``bodies`` are arrays of ``{role, contenttype, value}`` (2.x has no ``body_html``).

- ``uri``: the bulletin's stable ``tag:`` URI in the language served; ``version``: the live revision.
- ``pubstatus``: ``usable``; a withdrawn bulletin's item URL answers a minimal ``canceled`` object (ninjs
  2.1 has no ``withdrawn``) so agencies that took it learn of the withdrawal; the lists never carry it.
- ``urgency`` maps the TT39 priority: emergency 1, priority 3, normal 5.
- ``subjects``: the category (code as ``literal``, portal page as ``uri``); ``located``/``places``: the
  unit that wrote the bulletin (official code as ``literal``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from nguon.content.choices import Priority
from nguon.content.models import Bulletin
from nguon.feeds import links
from nguon.feeds.documents import clean, publisher, safe_body
from nguon.portal.selectors import PublicItem

NINJS_VERSION = "2.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
URGENCY = {Priority.EMERGENCY: 1, Priority.PRIORITY: 3, Priority.NORMAL: 5}
_STANDARD = {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA}


def _time(value: Any) -> str:
    return str(value.isoformat())


def item(public: PublicItem) -> dict[str, Any]:
    """A public bulletin as a ninjs 2.1 news item."""
    unit = public.unit
    text = clean(public.body_text)
    document: dict[str, Any] = {
        "uri": links.bulletin_tag(public.bulletin_id, public.language),
        "standard": _STANDARD,
        "type": "text",
        "representationtype": "full",
        "profile": "nguon-bulletin",
        "version": str(public.revision),
        "firstcreated": _time(public.published_at),
        "versioncreated": _time(public.updated_at),
        "pubstatus": "usable",
        "urgency": URGENCY.get(Priority(public.priority), 5) if public.priority in Priority.values else 5,
        "copyrightholder": publisher(unit.full_name),
        "language": public.language,
        "title": clean(public.title),
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": clean(public.title)}],
        "bodies": [
            {"role": "main", "contenttype": "text/html", "value": safe_body(public)},
            {
                "role": "main",
                "contenttype": "text/plain",
                "value": text,
                "charcount": len(text),
                "wordcount": len(text.split()),
            },
        ],
        "subjects": [
            {
                "name": clean(public.category.name),
                "rel": "category",
                "uri": links.absolute(reverse("portal:category", kwargs={"code": public.category.code})),
                "literal": public.category.code,
            }
        ],
        "located": clean(unit.full_name),
        "places": [
            {
                "name": clean(unit.full_name),
                "rel": "located",
                "uri": links.absolute(reverse("portal:commune", kwargs={"code": unit.code})),
                "literal": unit.code,
            }
        ],
        "altids": [{"role": "bulletin-id", "value": str(public.bulletin_id)}],
        "renditions": [
            {
                "name": "web",
                "href": links.item_url(public.bulletin_id, public.language),
                "contenttype": "text/html",
            }
        ],
    }
    if public.summary:
        document["descriptions"] = [
            {"role": "summary", "contenttype": "text/plain", "value": clean(public.summary)}
        ]
    if public.is_translation:
        document["ednote"] = f"Bản dịch từ nguyên bản tiếng '{public.original_language}'."
    return document


def canceled(bulletin: Bulletin, *, language: str) -> dict[str, Any]:
    """The ninjs of a withdrawn bulletin: identity, status and time of withdrawal, no content."""
    when = bulletin.withdrawn_at or bulletin.distributed_at
    document: dict[str, Any] = {
        "uri": links.bulletin_tag(bulletin.pk, language),
        "standard": _STANDARD,
        "type": "text",
        "version": str(bulletin.live_revision or bulletin.revision),
        "pubstatus": "canceled",
        "language": language,
        "ednote": "Tin đã bị thu hồi: không được sử dụng, hãy gỡ mọi bản đã đăng.",
        "altids": [{"role": "bulletin-id", "value": str(bulletin.pk)}],
    }
    if when is not None:
        document["versioncreated"] = _time(when)
    if bulletin.first_distributed_at is not None:
        document["firstcreated"] = _time(bulletin.first_distributed_at)
    return document
