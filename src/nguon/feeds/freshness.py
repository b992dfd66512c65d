"""Cheap validators for everything the feeds and the public API serve: strong ETags, Last-Modified,
``If-None-Match`` → 304 and one caching policy.

A list's ETag is derived from one aggregate query over its filtered set — how many bulletins, the latest
live-revision time (``distributed_at``), the latest publication of any translation into the section's
language, the latest withdrawal of any bulletin — plus what was asked (format, filters, page). Nothing is rendered to
compute it, so a revalidation costs one query. Every change the public can see moves one of these: a
new bulletin or a correction sets ``distributed_at`` to now, a translation published again sets its
``published_at``, a withdrawal sets ``withdrawn_at`` and shrinks the set, a stale translation shrinks it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from nguon.content.choices import Status
from nguon.content.models import Bulletin
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation

#: Bump when a representation changes shape, so caches holding the old one revalidate to the new one.
FORMAT_VERSION = "1"
CACHE_CONTROL = "public, max-age=60"


@dataclass(frozen=True)
class Stamp:
    """What identifies the state of a set of public bulletins: its size and when it last changed."""

    count: int
    last_modified: datetime | None

    @property
    def key(self) -> str:
        return f"{self.count}@{self.last_modified.isoformat() if self.last_modified else '-'}"


def stamp_of(bulletins: QuerySet[Bulletin], *, language: str) -> Stamp:
    """The :class:`Stamp` of ``bulletins`` (a section's queryset) in ``language``: one aggregate query."""
    # Both are uncorrelated (evaluated once per query, off the (language, status) and status indexes): a
    # translation published or a bulletin withdrawn outside the section only costs a spurious 200.
    translated = (
        Translation.objects.filter(
            language=language, status=TranslationStatus.PUBLISHED, published_at__isnull=False
        )
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    withdrawn = (
        Bulletin.objects.filter(status=Status.WITHDRAWN, withdrawn_at__isnull=False)
        .order_by("-withdrawn_at")
        .values("withdrawn_at")[:1]
    )
    row = bulletins.order_by().aggregate(
        count=Count("pk"),
        distributed=Max("distributed_at"),
        translated=Max(Subquery(translated)),
        withdrawn=Max(Subquery(withdrawn)),
    )
    times = [t for t in (row["distributed"], row["translated"], row["withdrawn"]) if t is not None]
    return Stamp(count=int(row["count"] or 0), last_modified=max(times) if times else None)


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
