"""Feed views (being built: each view is replaced by the feeds work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


rss = atom = json_feed = ninjs_list = ninjs_item = _pending
