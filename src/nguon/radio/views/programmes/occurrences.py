"""One day of a programme: change its time and running order, or cancel / restore it with a note."""

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

from nguon.radio.choices import OccurrenceStatus
from nguon.radio.forms.programmes import CancelForm, OccurrenceForm, item_formset, items_initial
from nguon.radio.models import Occurrence
from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import customise_occurrence, set_cancelled
from nguon.radio.views.programmes.common import Station, bulletin_choices, local_time_of, messages_of
from nguon.radio.views.programmes.running_order import (
    UploadRefusedError,
    item_inputs,
    known_files,
    place_item_errors,
)


def _minutes(occurrence: Occurrence) -> int:
    return int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)


def _customise(request: HttpRequest, occurrence: Occurrence, form: OccurrenceForm, items: Any) -> bool:
    items.general_errors = []
    if not (form.is_valid() and items.is_valid()):
        return False
    unit = occurrence.programme.unit
    try:
        with transaction.atomic(), ExitStack() as stack:
            known = known_files([*occurrence.items.all(), *occurrence.programme.items.all()])
            lines = item_inputs(actor=request.user, unit=unit, formset=items, stack=stack, known=known)
            customise_occurrence(
                actor=request.user,
                occurrence=occurrence,
                items=lines,
                start_time=form.cleaned_data["start_time"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                note=form.cleaned_data["note"],
            )
    except UploadRefusedError:
        return False
    except ValidationError as error:
        found = messages_of(error)
        for name, values in found.items():
            if name == "items":
                items.general_errors += place_item_errors(items, values)
                continue
            for message in values:
                form.add_error(name if name in form.fields else None, message)
        return False
    return True


def _cancel(request: HttpRequest, occurrence: Occurrence, form: CancelForm, cancelled: bool) -> bool:
    if not form.is_valid():
        return False
    try:
        set_cancelled(
            actor=request.user, occurrence=occurrence, cancelled=cancelled, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    return True


@login_required
def occurrence_view(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = selectors.get_occurrence(user=request.user, pk=pk, action=selectors.WRITE)
    unit = occurrence.programme.unit
    bulletins = bulletin_choices(unit)
    start = local_time_of(occurrence.starts_at)
    form = OccurrenceForm(
        initial={
            "start_time": start.time(),
            "duration_minutes": _minutes(occurrence),
            "note": occurrence.note,
        }
    )
    items = item_formset(initial=items_initial(selectors.running_order(occurrence)), bulletins=bulletins)
    cancel_form = CancelForm(initial={"note": occurrence.note}, prefix="cancel")
    action = request.POST.get("action", "")
    done = False
    if request.method == "POST" and action == "save":
        form = OccurrenceForm(request.POST)
        items = item_formset(request.POST, request.FILES, bulletins=bulletins)
        done = _customise(request, occurrence, form, items)
        text = _("Đã lưu riêng buổi phát ngày %(day)s.")
    elif request.method == "POST" and action in ("cancel", "restore"):
        cancel_form = CancelForm(request.POST, prefix="cancel")
        done = _cancel(request, occurrence, cancel_form, action == "cancel")
        text = (
            _("Đã hủy buổi phát ngày %(day)s.")
            if action == "cancel"
            else _("Đã khôi phục buổi phát ngày %(day)s.")
        )
    if done:
        messages.success(request, text % {"day": occurrence.date.strftime("%d/%m/%Y")})
        week = occurrence.date.isoformat()
        return redirect(f"{reverse('radio:schedule')}?unit={unit.code}&week={week}")
    return render(
        request,
        "radio/programmes/occurrence.html",
        {
            "station": Station(unit, True, []),
            "occurrence": occurrence,
            "programme": occurrence.programme,
            "start": start,
            "end": local_time_of(occurrence.ends_at),
            "target": selectors.target_label(occurrence.programme),
            "is_cancelled": occurrence.status == OccurrenceStatus.CANCELLED,
            "form": form,
            "items": items,
            "general_errors": getattr(items, "general_errors", []),
            "cancel_form": cancel_form,
        },
        status=422 if request.method == "POST" else 200,
    )
