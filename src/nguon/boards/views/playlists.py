"""Screens: playlists — the list per commune, create, edit (name, description, default), and their entries:
add an item, move up or down, a duration of its own, remove. Every change goes through the playlist
services; a refusal shows in Vietnamese and nothing changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.boards.forms import EntryAddForm, EntryDurationForm, PlaylistForm, set_choices
from nguon.boards.models import BoardItem, Playlist, PlaylistEntry
from nguon.boards.services import playlists as playlist_services
from nguon.boards.views.common import (
    ACTION,
    add_service_errors,
    commune_choices,
    error_text,
    managed_communes,
    pick_commune,
    require_manage,
)
from nguon.core import access


def scoped_playlists(user: Any) -> QuerySet[Playlist]:
    return access.scope(
        user, Playlist.objects.select_related("unit").annotate(entry_count=Count("entries")), ACTION
    )


def get_playlist(user: Any, pk: int) -> Playlist:
    return access.get_scoped_or_404(user, Playlist.objects.select_related("unit"), ACTION, pk=pk)


def addable_items(playlist: Playlist) -> QuerySet[BoardItem]:
    """Items that are not archived, of the playlist's unit or a unit above it (a provincial notice)."""
    return BoardItem.objects.filter(
        unit__path__in=access.path_prefixes(playlist.unit.path), archived_at__isnull=True
    ).order_by("title", "pk")


def entries(playlist: Playlist) -> list[PlaylistEntry]:
    return list(playlist.entries.select_related("item").order_by("position"))


@login_required
def playlist_list(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    playlists = scoped_playlists(request.user)
    unit = pick_commune(communes, request.GET.get("unit"))
    if unit is not None:
        playlists = playlists.filter(unit=unit)
    return render(
        request,
        "boards/playlists.html",
        {"playlists": list(playlists[:300]), "communes": communes, "unit": unit},
    )


@login_required
def playlist_new(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    communes = managed_communes(request.user)
    if not communes:
        raise Http404
    unit = pick_commune(communes, request.POST.get("unit") or request.GET.get("unit")) or communes[0]
    form = PlaylistForm(request.POST or None, initial={"unit": str(unit.pk)})
    set_choices(form, "unit", commune_choices(communes))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = playlist_services.create_playlist(
                actor=request.user,
                unit=unit,
                name=data["name"],
                description=data["description"],
                is_default=data["is_default"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã tạo danh sách «%(name)s».") % {"name": saved.name})
            return redirect("boards:playlist-edit", pk=saved.pk)
    return render(request, "boards/playlist_form.html", {"form": form, "playlist": None})


@login_required
def playlist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    playlist = get_playlist(request.user, pk)
    initial = {
        "unit": str(playlist.unit_id),
        "name": playlist.name,
        "description": playlist.description,
        "is_default": playlist.is_default,
    }
    form = PlaylistForm(request.POST or None, initial=initial)
    set_choices(form, "unit", commune_choices([playlist.unit]))
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            playlist_services.update_playlist(
                actor=request.user,
                playlist=playlist,
                name=data["name"],
                description=data["description"],
                is_default=data["is_default"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu danh sách «%(name)s».") % {"name": data["name"]})
            return redirect("boards:playlist-edit", pk=playlist.pk)
    return render(request, "boards/playlist_form.html", _edit_context(playlist, form))


def _edit_context(
    playlist: Playlist, form: PlaylistForm, add_form: EntryAddForm | None = None
) -> dict[str, Any]:
    if add_form is None:
        add_form = EntryAddForm(auto_id="add_%s")
    set_choices(
        add_form,
        "item",
        [("", _("— chọn mục —"))]
        + [(str(i.pk), f"{i.title} ({i.get_kind_display()})") for i in addable_items(playlist)],
    )
    rows = entries(playlist)
    return {
        "form": form,
        "playlist": playlist,
        "entries": rows,
        "add_form": add_form,
    }


@login_required
@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage(request)
    playlist = get_playlist(request.user, pk)
    add_form = EntryAddForm(request.POST, auto_id="add_%s")
    context = _edit_context(playlist, _bound_playlist_form(playlist), add_form)
    if add_form.is_valid():
        item = addable_items(playlist).filter(pk=add_form.cleaned_data["item"]).first()
        if item is None:
            add_form.add_error("item", _("Mục này không dùng được trong danh sách của xã/phường này."))
        else:
            try:
                playlist_services.add_entry(
                    actor=request.user,
                    playlist=playlist,
                    item=item,
                    duration_seconds=add_form.cleaned_data["duration_seconds"],
                )
            except ValidationError as error:
                add_service_errors(add_form, error)
            else:
                messages.success(request, _("Đã thêm «%(title)s» vào danh sách.") % {"title": item.title})
                return redirect("boards:playlist-edit", pk=playlist.pk)
    return render(request, "boards/playlist_form.html", context, status=422)


def _bound_playlist_form(playlist: Playlist) -> PlaylistForm:
    form = PlaylistForm(
        initial={
            "unit": str(playlist.unit_id),
            "name": playlist.name,
            "description": playlist.description,
            "is_default": playlist.is_default,
        }
    )
    set_choices(form, "unit", commune_choices([playlist.unit]))
    form.fields["unit"].disabled = True
    return form


@login_required
@require_POST
def entry_change(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    """One entry: ``op`` = up, down, remove or duration (with ``duration_seconds``, empty to clear)."""
    require_manage(request)
    playlist = get_playlist(request.user, pk)
    entry = PlaylistEntry.objects.filter(playlist=playlist, pk=entry_id).select_related("item").first()
    if entry is None:
        raise Http404
    op = request.POST.get("op", "")
    try:
        if op in ("up", "down"):
            playlist_services.move_entry(actor=request.user, entry=entry, offset=-1 if op == "up" else 1)
        elif op == "remove":
            playlist_services.remove_entry(actor=request.user, entry=entry)
            messages.success(request, _("Đã bỏ «%(title)s» khỏi danh sách.") % {"title": entry.item.title})
        elif op == "duration":
            form = EntryDurationForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Thời lượng phải là số giây từ 1 đến 3600."))
                return redirect("boards:playlist-edit", pk=playlist.pk)
            playlist_services.set_entry_duration(
                actor=request.user, entry=entry, duration_seconds=form.cleaned_data["duration_seconds"]
            )
            messages.success(request, _("Đã lưu thời lượng."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("boards:playlist-edit", pk=playlist.pk)


urlpatterns: list[URLPattern] = [
    path("playlists/", playlist_list, name="playlists"),
    path("playlists/new/", playlist_new, name="playlist-new"),
    path("playlists/<int:pk>/", playlist_edit, name="playlist-edit"),
    path("playlists/<int:pk>/entries/add", entry_add, name="entry-add"),
    path("playlists/<int:pk>/entries/<int:entry_id>", entry_change, name="entry-change"),
]
