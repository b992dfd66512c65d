"""Cheap validators for everything the feeds and the public API serve: strong ETags, Last-Modified,
``If-None-Match`` → 304 and one caching policy.

A list's ETag is a hash of what was asked (format, filters, page) and of the **public-data version**
(:class:`~nguon.feeds.models.PublicVersion`), a number moved on every change the public can see: a
bulletin distributed (new or corrected — which also makes its translations stale), withdrawn, a
translation published or taken off, a category or unit saved. Its ``Last-Modified`` is when the version
last moved. Nothing is rendered or aggregated to compute them: a revalidation is one primary-key read.
A single item's ETag is its own (revision, language, last update).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from nguon.feeds.models import PUBLIC_VERSION_ID, PublicVersion

#: Bump when a representation changes shape, so caches holding the old one revalidate to the new one.
FORMAT_VERSION = "1"
CACHE_CONTROL = "public, max-age=60"


@dataclass(frozen=True)
class Stamp:
    """The state of the public data: its version number and when it last changed."""

    number: int
    last_modified: datetime | None

    @property
    def key(self) -> str:
        return f"v{self.number}"


def public_stamp() -> Stamp:
    """The current :class:`Stamp` of the public data: one primary-key read (version 0 without a row)."""
    row = PublicVersion.objects.filter(pk=PUBLIC_VERSION_ID).values_list("number", "changed_at").first()
    return Stamp(number=0, last_modified=None) if row is None else Stamp(number=row[0], last_modified=row[1])


def make_etag(*parts: object) -> str:
    """A strong ETag (quoted) over ``parts`` and :data:`FORMAT_VERSION`."""
    text = "|".join([FORMAT_VERSION, *(str(p) for p in parts)])
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_modified(request: HttpRequest, etag: str, last_modified: datetime | None) -> HttpResponse | None:
    """A 304 (with the validators) when the client's copy is current, else ``None``."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        return None
    return finish(response, etag, last_modified)


def finish(response: HttpResponse, etag: str, last_modified: datetime | None) -> HttpResponse:
    """Put the validators and the caching policy on ``response``."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    return response
