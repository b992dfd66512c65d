"""Programme list and form: when (plain repeat choices or an RRULE), where, and the running order. The
programme, its uploads, its running order and its occurrences are saved together or not at all."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.radio.forms.programmes import (
    ProgrammeForm,
    item_formset,
    items_initial,
    programme_initial,
)
from nguon.radio.models import Programme
from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import ProgrammeInput, save_programme, set_active
from nguon.radio.services.settings import local_day
from nguon.radio.views.programmes.common import Station, bulletin_choices, messages_of, station
from nguon.radio.views.programmes.running_order import (
    UploadRefusedError,
    item_inputs,
    known_files,
    place_item_errors,
)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    place = station(request)
    rows = [
        {"programme": p, "target": selectors.target_label(p), "lines": len(p.items.all())}
        for p in selectors.list_programmes(unit=place.unit)
    ]
    return render(request, "radio/programmes/list.html", {"station": place, "rows": rows})


def _forms(request: HttpRequest, place: Station, programme: Programme | None) -> tuple[ProgrammeForm, Any]:
    unit = place.unit
    options: dict[str, Any] = {
        "residential": selectors.residential_choices(unit),
        "groups": selectors.group_choices(unit),
    }
    bulletins = bulletin_choices(unit)
    if request.method == "POST":
        return (
            ProgrammeForm(request.POST, **options),
            item_formset(request.POST, request.FILES, bulletins=bulletins),
        )
    if programme is None:
        initial: dict[str, Any] = {"repeat": "daily", "target_kind": "commune", "starts_on": local_day()}
        rows: list[dict[str, Any]] = []
    else:
        initial, rows = programme_initial(programme), items_initial(list(programme.items.all()))
    return (
        ProgrammeForm(initial=initial, **options),
        item_formset(initial=rows, bulletins=bulletins),
    )


def _save(
    request: HttpRequest, place: Station, form: ProgrammeForm, items: Any, programme: Programme | None
) -> Programme | None:
    """Save, or put every error next to its field and return None (then nothing at all was written)."""
    items.general_errors = []
    if not (form.is_valid() and items.is_valid()):
        return None
    data = form.cleaned_data
    rrule, rdates = form.recurrence_parts()
    try:
        with transaction.atomic(), ExitStack() as stack:
            known = known_files(programme.items.all()) if programme is not None else set()
            lines = item_inputs(actor=request.user, unit=place.unit, formset=items, stack=stack, known=known)
            return save_programme(
                actor=request.user,
                unit=place.unit,
                programme=programme,
                data=ProgrammeInput(
                    title=data["title"],
                    description=data["description"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    start_time=data["start_time"],
                    duration_minutes=data["duration_minutes"],
                    rrule=rrule,
                    rdates=rdates,
                    exdates=data["exdates_list"],
                    target_kind=data["target_kind"],
                    residential_codes=data["residential_units"],
                    group_ids=data["device_groups"],
                    volume=data["volume"],
                    is_active=programme.is_active if programme is not None else True,
                    items=lines,
                ),
            )
    except UploadRefusedError:
        return None
    except ValidationError as error:
        found = messages_of(error)
        left = form.show_service_errors({k: v for k, v in found.items() if k})
        items.general_errors = place_item_errors(items, left) + found.get("", [])
        return None


def _editor(request: HttpRequest, place: Station, programme: Programme | None) -> HttpResponse:
    form, items = _forms(request, place, programme)
    if request.method == "POST":
        saved = _save(request, place, form, items, programme)
        if saved is not None:
            messages.success(request, _("Đã lưu chương trình «%(title)s».") % {"title": saved.title})
            return redirect(f"{reverse('radio:schedule')}?unit={place.unit.code}")
    return render(
        request,
        "radio/programmes/form.html",
        {
            "station": place,
            "programme": programme,
            "form": form,
            "items": items,
            "general_errors": getattr(items, "general_errors", []),
            "failed": request.method == "POST",
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, station(request, action=selectors.WRITE), None)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme(user=request.user, pk=pk, action=selectors.WRITE)
    place = Station(programme.unit, True, [])
    return _editor(request, place, programme)


@login_required
@require_POST
def programme_active(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme(user=request.user, pk=pk, action=selectors.WRITE)
    active = request.POST.get("active") == "1"
    set_active(actor=request.user, programme=programme, active=active)
    text = _("Đã cho phát lại «%(title)s».") if active else _("Đã tạm dừng «%(title)s».")
    messages.success(request, text % {"title": programme.title})
    return redirect(f"{reverse('radio:programmes')}?unit={programme.unit.code}")
