"""Search over the public bulletins of a section (``?q=``, ``?lang=`` any section code; else Vietnamese)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from nguon.portal.search import MAX_QUERY_LENGTH, search_public
from nguon.portal.views.common import PER_PAGE, SECTIONS, item_url, page_query, render_page


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang", "vi")
    if lang not in SECTIONS:
        lang = "vi"
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    found = search_public(text, language=lang) if text else []
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": text,
        "page": page,
        "count": len(found),
        "items": [(i, item_url(i.bulletin_id, lang)) for i in page.object_list],
        "query": page_query(request),
    }
    return render_page(request, "portal/search.html", context, lang=lang)
