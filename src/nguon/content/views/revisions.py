"""Screens: the revisions of a bulletin and a word-level comparison of two of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from nguon.content.models import BulletinRevision
from nguon.content.selectors import bulletins as selectors


@login_required
def bulletin_revisions_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    revisions = list(bulletin.revisions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "content/bulletins/revisions.html",
        {"bulletin": bulletin, "revisions": revisions},
    )


def _number(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Http404 from None


@login_required
def bulletin_diff_view(request: HttpRequest, pk: int) -> HttpResponse:
    """``?from=1&to=3``: what changed, field by field, with <del> and <ins> around the changed words."""
    bulletin = selectors.get_bulletin(request.user, pk)
    old_number, new_number = _number(request.GET.get("from")), _number(request.GET.get("to"))
    try:
        old = selectors.revision(bulletin, old_number)
        new = selectors.revision(bulletin, new_number)
    except BulletinRevision.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "content/bulletins/diff.html",
        {
            "bulletin": bulletin,
            "old": old,
            "new": new,
            "changes": selectors.diff_revisions(old, new),
            "numbers": list(bulletin.revisions.order_by("number").values_list("number", flat=True)),
        },
    )


urlpatterns: list[URLPattern] = [
    path("b/<int:pk>/revisions/", bulletin_revisions_view, name="bulletin_revisions"),
    path("b/<int:pk>/diff/", bulletin_diff_view, name="bulletin_diff"),
]
