"""The commune's radio calendar: a week (Monday first, local dates) of occurrences, the latest compilation
warnings, and a commune picker for people who see more than one commune."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import settings_for
from nguon.radio.services.settings import local_day
from nguon.radio.views.programmes.common import local_time_of, station

WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ Nhật"),
)


def _week_start(text: str | None, today: date) -> date:
    try:
        chosen = date.fromisoformat(text) if text else today
    except ValueError:
        chosen = today
    return selectors.monday_of(chosen)


@login_required
def schedule_view(request: HttpRequest) -> HttpResponse:
    place = station(request)
    today = local_day()
    monday = _week_start(request.GET.get("week"), today)
    days = selectors.calendar(unit=place.unit, first=monday, days=7)
    horizon = settings_for(place.unit).horizon_days
    columns = [
        {
            "date": day.date,
            "name": WEEKDAY_NAMES[day.date.weekday()],
            "is_today": day.date == today,
            "is_past": day.date < today,
            "beyond_horizon": day.date > today + timedelta(days=horizon),
            "blocks": [
                {
                    "occurrence": o,
                    "start": local_time_of(o.starts_at),
                    "end": local_time_of(o.ends_at),
                    "target": selectors.target_label(o.programme),
                    "lines": len(selectors.running_order(o)),
                }
                for o in day.occurrences
            ],
        }
        for day in days
    ]
    return render(
        request,
        "radio/schedule/week.html",
        {
            "station": place,
            "columns": columns,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "this_week": selectors.monday_of(today),
            "horizon_days": horizon,
            "report": selectors.latest_report(unit=place.unit),
        },
    )
