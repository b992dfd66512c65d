"""Radio screens: play now (phát ngay) on a commune, some of its residential units or a device group, and
the live progress of one play-now. Its URLs are part of ``views/emergencies.py``'s ``urlpatterns``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from nguon.core import access
from nguon.devices.models import DeviceGroup
from nguon.radio.selectors.emergencies import device_groups
from nguon.radio.selectors.progress import playnow_progress
from nguon.radio.services.playnow import play_now
from nguon.radio.views.emergency_forms import PlayNowForm, set_choices
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit
from nguon.units.selectors import list_residential_units


def _communes(request: HttpRequest) -> list[AdministrativeUnit]:
    return list(
        access.scope(
            request.user,
            AdministrativeUnit.objects.filter(is_current=True, level=UnitLevel.COMMUNE),
            access.BROADCAST_OPERATE,
        ).order_by("path")
    )


@login_required
def play_now_view(request: HttpRequest) -> HttpResponse:
    from nguon.radio.views.emergencies import audio_options, chosen_audio, error_text

    communes = _communes(request)
    if not communes:
        raise Http404
    raw = request.POST.get("unit") or request.GET.get("unit")
    unit = next((c for c in communes if str(c.pk) == str(raw)), communes[0])
    form = PlayNowForm(request.POST or None, request.FILES or None, initial={"unit": unit.pk})
    residential = list(list_residential_units(commune=unit))
    groups = list(device_groups(user=request.user, unit=unit))
    set_choices(form, "unit", [(c.pk, c.full_name) for c in communes])
    set_choices(form, "residential", [(r.pk, r.full_name) for r in residential])
    set_choices(form, "group", [("", _("— không chọn —")), *[(g.pk, g.name) for g in groups]])
    set_choices(form, "audio", audio_options(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [r for r in residential if str(r.pk) in set(data["residential"])]
        group: DeviceGroup | None = next((g for g in groups if str(g.pk) == data.get("group")), None)
        try:
            records = play_now(
                actor=request.user,
                unit=unit,
                blob=chosen_audio(request, data),
                title=data["title"],
                residential_units=chosen or None,
                group=group,
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("Đã gửi lệnh phát ngay tới %(count)d cụm loa.") % {"count": len(records)}
            )
            return redirect("radio:play-now-progress", batch=records[0].body["item"]["id"])
    return render(request, "radio/emergencies/play_now.html", {"form": form, "unit": unit})


@login_required
def play_now_progress(request: HttpRequest, batch: str) -> HttpResponse:
    progress = playnow_progress(user=request.user, batch=batch)
    if not progress.devices:
        raise Http404
    return render(request, "radio/emergencies/play_now_progress.html", {"progress": progress, "batch": batch})


@login_required
def play_now_progress_json(request: HttpRequest, batch: str) -> JsonResponse:
    progress = playnow_progress(user=request.user, batch=batch)
    if not progress.devices:
        raise Http404
    return JsonResponse(progress.as_dict())


urlpatterns: list[URLPattern] = [
    path("play-now/", play_now_view, name="play-now"),
    path("play-now/<str:batch>/", play_now_progress, name="play-now-progress"),
    path("play-now/<str:batch>/progress.json", play_now_progress_json, name="play-now-progress-json"),
]
