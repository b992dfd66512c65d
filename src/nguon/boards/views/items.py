"""Screens: board items (what a slide shows) — the list per commune, create, edit, archive. Image and
video uploads go through the boards media service, which refuses files boards cannot show; its message
appears next to the file field and nothing is saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.boards.forms import ItemForm, set_choices
from nguon.boards.models import BoardItem
from nguon.boards.selectors.bulletins import showable_bulletins
from nguon.boards.services import items as item_services
from nguon.boards.views.common import (
    ACTION,
    add_service_errors,
    commune_choices,
    error_text,
    managed_communes,
    pick_commune,
    require_manage,
)
from nguon.content.files import RejectedFileError
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.units.models import AdministrativeUnit

ITEM_FIELDS = (
    "kind",
    "title",
    "body",
    "layout",
    "theme",
    "ticker",
    "side_title",
    "side_body",
    "duration_seconds",
    "valid_from",
    "valid_until",
)


def scoped_items(user: Any) -> QuerySet[BoardItem]:
    return access.scope(user, BoardItem.objects.select_related("unit", "bulletin", "media"), ACTION).order_by(
        "-created_at", "-pk"
    )


def get_item(user: Any, pk: int) -> BoardItem:
    return access.get_scoped_or_404(user, BoardItem.objects.select_related("unit", "media"), ACTION, pk=pk)


def bulletin_choices(unit: AdministrativeUnit) -> list[tuple[str, str]]:
    """The published bulletins a commune's boards may show (newest 200)."""
    return [("", _("— chọn bản tin —"))] + [(str(b.pk), b.title) for b in showable_bulletins(unit)[:200]]


def _prepare(form: ItemForm, communes: list[AdministrativeUnit], unit: AdministrativeUnit) -> None:
    set_choices(form, "unit", commune_choices(communes))
    set_choices(form, "bulletin", bulletin_choices(unit))


def _form_unit(request: HttpRequest, communes: list[AdministrativeUnit]) -> AdministrativeUnit:
    raw = request.POST.get("unit") or request.GET.get("unit")
    return pick_commune(communes, raw) or communes[0]


def save_from_form(request: HttpRequest, form: ItemForm, item: BoardItem | None) -> BoardItem | None:
    """Call the service with the form's data; on refusal put the messages on the form and return None."""
    data = form.cleaned_data
    values: dict[str, Any] = {name: data[name] for name in ITEM_FIELDS}
    bulletin = None
    if data["bulletin"]:
        bulletin = Bulletin.objects.filter(pk=data["bulletin"]).first()
    values["bulletin"] = bulletin
    upload = data.get("media_file")
    try:
        if item is None:
            unit = pick_commune(managed_communes(request.user), data["unit"])
            if unit is None:
                form.add_error("unit", _("Hãy chọn một xã/phường bạn được quản lý."))
                return None
            return item_services.create_item(actor=request.user, unit=unit, upload=upload, **values)
        return item_services.update_item(actor=request.user, item=item, upload=upload, **values)
    except RejectedFileError as error:
        form.add_error("media_file", error.message)
    except ValidationError as error:
        add_service_errors(form, error, {"media": "media_file"})
    return None


def _saved_messages(request: HttpRequest, saved: BoardItem) -> None:
    messages.success(request, _("Đã lưu mục «%(title)s».") % {"title": saved.title})
    for notice in getattr(saved, "notices", ()):
        messages.warning(request, notice)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    items = scoped_items(request.user)
    unit = pick_commune(communes, request.GET.get("unit"))
    if unit is not None:
        items = items.filter(unit=unit)
    show_archived = request.GET.get("archived") == "1"
    items = items if show_archived else items.filter(archived_at__isnull=True)
    return render(
        request,
        "boards/items.html",
        {
            "items": list(items[:300]),
            "communes": communes,
            "unit": unit,
            "show_archived": show_archived,
        },
    )


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    if not communes:
        from django.http import Http404

        raise Http404
    unit = _form_unit(request, communes)
    form = ItemForm(request.POST or None, request.FILES or None, initial={"unit": str(unit.pk)})
    _prepare(form, communes, unit)
    if request.method == "POST" and form.is_valid():
        saved = save_from_form(request, form, None)
        if saved is not None:
            _saved_messages(request, saved)
            return redirect("boards:item-edit", pk=saved.pk)
    return render(request, "boards/item_form.html", {"form": form, "item": None, "unit": unit})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    item = get_item(request.user, pk)
    communes = [item.unit]
    initial = {name: getattr(item, name) for name in ITEM_FIELDS}
    initial |= {"unit": str(item.unit_id), "bulletin": str(item.bulletin_id or "")}
    form = ItemForm(request.POST or None, request.FILES or None, initial=initial)
    _prepare(form, communes, item.unit)
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        saved = save_from_form(request, form, item)
        if saved is not None:
            _saved_messages(request, saved)
            return redirect("boards:item-edit", pk=saved.pk)
    playlists = list(item.playlists.order_by("name").distinct())
    return render(
        request,
        "boards/item_form.html",
        {"form": form, "item": item, "unit": item.unit, "playlists": playlists},
    )


@login_required
@require_POST
def item_archive(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    item = get_item(request.user, pk)
    try:
        item_services.archive_item(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("boards:item-edit", pk=item.pk)
    messages.success(request, _("Đã lưu trữ mục «%(title)s».") % {"title": item.title})
    return redirect("boards:items")


urlpatterns: list[URLPattern] = [
    path("items/", item_list, name="items"),
    path("items/new/", item_new, name="item-new"),
    path("items/<int:pk>/", item_edit, name="item-edit"),
    path("items/<int:pk>/archive", item_archive, name="item-archive"),
]
