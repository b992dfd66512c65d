from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from nguon.core.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_items": items_for(getattr(request, "user", None)),
        "nguon_env": settings.NGUON_ENV,
    }
