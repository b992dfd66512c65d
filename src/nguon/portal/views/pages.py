"""The front page (Vietnamese), the foreign and ethnic language sections and the category pages."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from nguon.content.models import Category
from nguon.feedback.selectors import public_pages
from nguon.portal.selectors import list_public
from nguon.portal.views.common import (
    check_section,
    feed_links,
    item_url,
    page_query,
    paginate,
    province_communes,
    render_page,
)

ANSWERS_SHOWN = 5


def category_groups(lang: str) -> list[dict[str, Any]]:
    """The active categories by Article 6 clause (NĐ 49/2024), each with its number of public bulletins."""
    counts = dict(
        list_public(language=lang)
        .order_by()
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    rows = Category.objects.filter(is_active=True).order_by("group", "sort_order", "name")
    return [
        {"group": group, "categories": [{"category": c, "count": counts.get(c.pk, 0)} for c in items]}
        for group, items in groupby(rows, key=lambda c: c.group)
    ]


def recent_answers(commune_code: str = "") -> list[public_pages.PublishedAnswer]:
    rows = public_pages.published_answers(commune_code=commune_code)[:ANSWERS_SHOWN]
    return [public_pages.public_answer(row) for row in rows]


def _front(request: HttpRequest, lang: str) -> HttpResponse:
    page, items = paginate(request, list_public(language=lang), lang)
    context = {
        "page": page,
        "items": [(i, item_url(i.bulletin_id, lang)) for i in items],
        "query": page_query(request),
        "category_groups": category_groups(lang) if lang == "vi" else [],
        "answers": recent_answers(),
        "communes": province_communes(),
    }
    return render_page(request, "portal/home.html", context, lang=lang)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _front(request, "vi")


@require_safe
def section(request: HttpRequest, lang: str) -> HttpResponse:
    """A language section (foreign or ethnic); Vietnamese is the front page, so ``/portal/vi/`` is 404."""
    if lang == "vi":
        raise Http404
    return _front(request, check_section(lang))


@require_safe
def category(request: HttpRequest, code: str) -> HttpResponse:
    found = Category.objects.filter(code=code).first()
    if found is None:
        raise Http404
    page, items = paginate(request, list_public(language="vi", category=found), "vi")
    context = {
        "category": found,
        "page": page,
        "items": [(i, item_url(i.bulletin_id, "vi")) for i in items],
        "query": page_query(request),
        "category_groups": category_groups("vi"),
    }
    return render_page(
        request,
        "portal/category.html",
        context,
        lang="vi",
        feeds=feed_links("vi", {"category": found.code}),
    )
