"""Public portal pages (being built: each view is replaced by the portal work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


home = item = category = commune = search = section = _pending
