"""A commune's public page: its bulletins, today's radio programme, its e-boards now, its answered
feedback and the alerts that reach it; and the commune picker (works without JavaScript)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from nguon.portal.commune_page import boards_now, todays_programme
from nguon.portal.emergencies import active_alerts
from nguon.portal.selectors import list_public
from nguon.portal.views.common import (
    feed_links,
    item_url,
    page_query,
    paginate,
    province_communes,
    render_page,
)
from nguon.portal.views.pages import recent_answers


def _now() -> datetime:
    """The moment the page describes (what is on air and on the boards); a seam for tests."""
    return timezone.now()


@require_safe
def commune(request: HttpRequest, code: str) -> HttpResponse:
    if code == settings.NGUON_PROVINCE_CODE:
        return redirect("portal:home")  # the province's page is the front page (ninjs links units here)
    found = province_communes().filter(code=code).first()
    if found is None:
        raise Http404
    now = _now()
    page, items = paginate(request, list_public(language="vi", reaching=found), "vi")
    airings = todays_programme(found, now=now)
    boards = boards_now(found, now=now)
    context = {
        "commune": found,
        "page": page,
        "items": [(i, item_url(i.bulletin_id, "vi")) for i in items],
        "query": page_query(request),
        "airings": airings,
        "boards": boards,
        "answers": recent_answers(found.code),
        "communes": province_communes(),
    }
    # what is on air and on the boards moves with the clock: the newest start counts as a change
    started = [a.starts_at for a in airings if a.starts_at <= now] + [b.since for b in boards if b.since]
    return render_page(
        request,
        "portal/commune.html",
        context,
        lang="vi",
        alerts=active_alerts(now=now, commune=found),
        feeds=feed_links("vi", {"unit": found.code}),
        changed=started,
    )


@require_safe
def commune_pick(request: HttpRequest) -> HttpResponseRedirect:
    """The commune picker's target: ``?code=`` → that commune's page."""
    code = request.GET.get("code", "")[:16]
    if not province_communes().filter(code=code).exists():
        raise Http404
    return redirect("portal:commune", code=code)
