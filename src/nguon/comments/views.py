"""Comment views (being built: replaced by the comments work)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def thread(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    return HttpResponse("")
