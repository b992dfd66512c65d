"""HTTP caching of the portal's list pages: ``Cache-Control: public, max-age=60``, an ETag and a
Last-Modified, and ``304 Not Modified`` for a conditional GET that still matches.

The **ETag** is a hash of the rendered page, so it changes exactly when what a reader would see changes
(a bulletin published, corrected or withdrawn, an alert starting or ending, the clock moving to another
board window). The portal pages hold no per-person content (no CSRF token, no name, no messages), so
the same page is the same bytes for everyone. **Last-Modified** is the newest change among the data the
page reads (:func:`data_changed_at`, plus what the page adds); with ``If-None-Match`` present Django
decides on the ETag alone, as RFC 9110 asks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from nguon.content.models import Bulletin
from nguon.feedback.choices import AnswerStatus
from nguon.feedback.models import Answer
from nguon.translations.models import Translation

MAX_AGE = 60


def data_changed_at() -> datetime | None:
    """The newest moment a public bulletin, a translation or a published feedback answer changed:
    published, corrected, withdrawn.

    Translations into any language count: every page lists the ethnic
    sections that hold a public bulletin, and a translation published or withdrawn can fill or empty one.
    """
    bulletins = Bulletin.objects.aggregate(d=Max("distributed_at"), w=Max("withdrawn_at"))
    moments = [bulletins["d"], bulletins["w"]]
    moments.append(Translation.objects.aggregate(t=Max("updated_at"))["t"])
    moments.append(Answer.objects.filter(status=AnswerStatus.APPROVED).aggregate(a=Max("published_at"))["a"])
    found = [m for m in moments if m is not None]
    return max(found) if found else None


def cacheable(
    request: HttpRequest, response: HttpResponse, *, changed: Iterable[datetime | None]
) -> HttpResponse:
    """Add the caching headers to a rendered page; a 304 when the request's validators still match."""
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    moments = [m for m in changed if m is not None]
    last_modified = int(max(moments).timestamp()) if moments else None
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    return conditional if conditional is not None else response
