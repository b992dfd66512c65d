"""Try text-to-speech (preview the normalised text and the audio), upload a recording, and edit the
reading dictionaries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nguon.core import access
from nguon.speech import services
from nguon.speech.forms import DictionaryForm, SpeechForm, UploadForm
from nguon.speech.models import Abbreviation, AudioRender, Pronunciation
from nguon.speech.normalize import DEFAULT_ABBREVIATIONS
from nguon.units.models import AdministrativeUnit


def _unit_or_404(request: HttpRequest) -> AdministrativeUnit:
    unit = access.acting_unit(request.user, access.SPEECH_USE)
    if unit is None:
        raise Http404
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def speech_view(request: HttpRequest) -> HttpResponse:
    unit = _unit_or_404(request)
    form = SpeechForm(request.POST or None)
    upload = UploadForm()
    normalized, render_obj, status = "", None, 200
    if request.method == "POST" and form.is_valid():
        voice = form.cleaned_data["voice"]
        normalized = services.normalize_for_voice(form.cleaned_data["text"], voice=voice)
        if "preview" not in request.POST:
            try:
                render_obj = services.request_render(
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    voice=voice,
                    unit=unit,
                    speed=form.cleaned_data["speed"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                return redirect("speech:render", pk=render_obj.pk)
    elif request.method == "POST":
        status = 400
    renders = access.scope(request.user, AudioRender.objects.select_related("voice"), access.SPEECH_USE)[:10]
    return render(
        request,
        "speech/speech.html",
        {
            "form": form,
            "upload_form": upload,
            "normalized": normalized,
            "renders": renders,
            "unit": unit,
        },
        status=status,
    )


@login_required
def render_view(request: HttpRequest, pk: int) -> HttpResponse:
    render_obj = access.get_scoped_or_404(
        request.user, AudioRender.objects.select_related("voice"), access.SPEECH_USE, pk=pk
    )
    template = "speech/_render.html" if request.headers.get("HX-Request") else "speech/render.html"
    return render(request, template, {"render": render_obj})


_FILES = {"mp3": ("mp3", "audio/mpeg"), "opus": ("opus", "audio/ogg"), "png": ("waveform", "image/png")}


@login_required
def render_file_view(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """A render's MP3, Opus or waveform, for people who may see the render (not a public media URL)."""
    if kind not in _FILES:
        raise Http404
    render_obj = access.get_scoped_or_404(request.user, AudioRender.objects.all(), access.SPEECH_USE, pk=pk)
    field_name, content_type = _FILES[kind]
    field = getattr(render_obj, field_name)
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["ETag"] = f'"{render_obj.sha256 or render_obj.cache_key}-{kind}"'
    return response


@login_required
@require_POST
def upload_view(request: HttpRequest) -> HttpResponse:
    unit = _unit_or_404(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            render_obj = services.store_upload(
                actor=request.user, content=form.cleaned_data["file"].read(), unit=unit
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã chuẩn hóa tệp ghi âm."))
            return redirect("speech:render", pk=render_obj.pk)
    else:
        messages.error(request, _("Chọn một tệp ghi âm."))
    return redirect("speech:index")


@login_required
@require_http_methods(["GET", "POST"])
def dictionary_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.SPEECH_USE):
        raise Http404
    can_edit = access.has_action(request.user, access.SPEECH_MANAGE_DICTIONARY)
    form = DictionaryForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if "delete" in request.POST:
            model = Abbreviation if request.POST.get("kind") == "abbreviation" else Pronunciation
            entry = model.objects.filter(pk=request.POST.get("delete", "")).first()
            if entry is not None:
                services.delete_dictionary_entry(actor=request.user, entry=entry)
            return redirect("speech:dictionary")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == "abbreviation":
                    services.save_abbreviation(actor=request.user, term=data["term"], reading=data["reading"])
                else:
                    services.save_pronunciation(
                        actor=request.user, word=data["term"], reading=data["reading"]
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu vào từ điển đọc."))
                return redirect("speech:dictionary")
    return render(
        request,
        "speech/dictionary.html",
        {
            "form": form,
            "can_edit": can_edit,
            "abbreviations": Abbreviation.objects.all(),
            "pronunciations": Pronunciation.objects.all(),
            "builtin": sorted(DEFAULT_ABBREVIATIONS.items()),
        },
        status=400 if form.errors else 200,
    )
