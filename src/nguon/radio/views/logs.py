"""Screens: the broadcast log of a commune for a day, and its Excel export."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from nguon.core import access
from nguon.radio.logs_export import workbook_bytes
from nguon.radio.selectors.logs import OUTCOME_LABELS, day_log
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: Who may read a commune's broadcast log: its operators, technicians, and anyone who reads its reports.
LOG_ACTIONS = (access.BROADCAST_OPERATE, access.DEVICES_VIEW, access.REPORTS_VIEW)


def _communes(request: HttpRequest) -> list[AdministrativeUnit]:
    seen: dict[int, AdministrativeUnit] = {}
    for action in LOG_ACTIONS:
        units = access.scope(
            request.user,
            AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, is_current=True),
            action,
        )
        for unit in units:
            seen.setdefault(unit.pk, unit)
    return sorted(seen.values(), key=lambda u: u.name)


def _pick(request: HttpRequest) -> tuple[list[AdministrativeUnit], AdministrativeUnit, date]:
    communes = _communes(request)
    if not communes:
        raise Http404
    code = request.GET.get("unit", "")
    unit = next((u for u in communes if u.code == code), None) if code else communes[0]
    if unit is None:
        raise Http404
    today = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()
    try:
        day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    return communes, unit, day


@login_required
def log_view(request: HttpRequest) -> HttpResponse:
    communes, unit, day = _pick(request)
    log = day_log(unit, day, now=timezone.now())
    return render(
        request,
        "radio/logs/day.html",
        {
            "log": log,
            "communes": communes,
            "unit": unit,
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "outcomes": OUTCOME_LABELS,
        },
    )


@login_required
def log_export(request: HttpRequest) -> HttpResponse:
    _, unit, day = _pick(request)
    body = workbook_bytes(day_log(unit, day, now=timezone.now()))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="nhat-ky-phat-thanh-{unit.code}-{day:%Y%m%d}.xlsx"'
    )
    return response


urlpatterns: list[URLPattern] = [
    path("logs/", log_view, name="logs"),
    path("logs/export.xlsx", log_export, name="logs-export"),
]
