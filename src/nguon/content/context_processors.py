"""Template context for every page: the signed-in person's unread notification count.

Register ``nguon.content.context_processors.notifications`` in ``TEMPLATES[0]["OPTIONS"]
["context_processors"]`` and include ``content/_notifications_badge.html`` in the page header. The count
is a callable, so the query runs only on pages whose template shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from nguon.content.selectors import bulletins as selectors


def notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_notifications(user).count}
