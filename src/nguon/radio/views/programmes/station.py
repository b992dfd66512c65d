"""The station settings page: quiet hours, fallback audio, days ahead, the two-person emergency rule."""

from __future__ import annotations

from contextlib import ExitStack

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from nguon.content.files import RejectedFileError
from nguon.core import access
from nguon.radio.forms.station import StationForm
from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import settings_for
from nguon.radio.services.settings import save_settings, stored_audio
from nguon.radio.views.programmes.common import messages_of, station
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def _province_link(request: HttpRequest, unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The province whose emergency policy this person may set, offered from a commune's settings."""
    if unit.level == UnitLevel.PROVINCE:
        return None
    provinces = selectors.list_stations(
        user=request.user, action=selectors.WRITE, levels=(UnitLevel.PROVINCE,)
    )
    return provinces.filter(code=unit.province_code).first()


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    place = station(request, action=selectors.WRITE, levels=(UnitLevel.PROVINCE, UnitLevel.COMMUNE))
    unit = place.unit
    is_province = unit.level == UnitLevel.PROVINCE
    current = settings_for(unit)
    may_emergency = access.can(request.user, access.BROADCAST_EMERGENCY, unit=unit)
    initial = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "horizon_days": current.horizon_days,
        "emergency_second_approver": current.emergency_second_approver,
    }
    form = StationForm(request.POST or None, request.FILES or None, initial=initial)
    if not may_emergency:
        form.fields["emergency_second_approver"].disabled = True
    if is_province:  # the province has no speakers of its own: only its emergency policy applies
        for name in ("quiet_start", "quiet_end", "fallback", "remove_fallback", "horizon_days"):
            form.fields[name].disabled = True
            form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic(), ExitStack() as stack:
                blob = None if data.get("remove_fallback") else current.fallback_blob
                if data.get("fallback"):
                    blob = stack.enter_context(
                        stored_audio(actor=request.user, unit=unit, upload=data["fallback"])
                    )
                save_settings(
                    actor=request.user,
                    unit=unit,
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    fallback_blob=blob,
                    horizon_days=data["horizon_days"],
                    emergency_second_approver=data["emergency_second_approver"],
                )
        except RejectedFileError as error:
            form.add_error("fallback", error.message)
        except ValidationError as error:
            for name, values in messages_of(error).items():
                field = "fallback" if name == "fallback_blob" else name
                for message in values:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu thiết lập phát thanh."))
            return redirect(f"{reverse('radio:settings')}?unit={unit.code}")
    return render(
        request,
        "radio/schedule/settings.html",
        {
            "station": place,
            "form": form,
            "current": current,
            "may_emergency": may_emergency,
            "is_province": is_province,
            "province": _province_link(request, unit),
        },
        status=422 if request.method == "POST" else 200,
    )
