"""The translation screens: the work list (/translations/) and the side-by-side editor
(/translations/<bulletin id>/<language>/), whose buttons each call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nguon.content import html
from nguon.content.choices import Language
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.translations import selectors, services
from nguon.translations.choices import TranslationStatus
from nguon.translations.forms import TranslationForm, WorkListFilter
from nguon.translations.machine import ENGINE_LANGUAGES, configured_engine
from nguon.translations.models import Translation


def _can_use(user: Any) -> bool:
    return access.has_action(user, access.TRANSLATIONS_WRITE) or access.has_action(
        user, access.TRANSLATIONS_PUBLISH
    )


@login_required
def work_list(request: HttpRequest) -> HttpResponse:
    """Bulletins needing a translation into one language, with stale ones and those in review first."""
    if not _can_use(request.user):
        raise Http404
    form = WorkListFilter(request.GET or None)
    language, state = "en", ""
    if form.is_valid():
        language = form.cleaned_data["language"] or "en"
        state = form.cleaned_data["state"] or ""
    rows = selectors.work_list(request.user, language=language, state=state)
    return render(
        request,
        "translations/list.html",
        {"form": form, "rows": rows, "language": language, "language_label": Language(language).label},
    )


def _steps(user: Any, bulletin: Bulletin, t: Translation | None) -> dict[str, bool]:
    can_write = access.can(user, access.TRANSLATIONS_WRITE, unit=bulletin.unit)
    can_publish = access.can(user, access.TRANSLATIONS_PUBLISH, unit=bulletin.unit)
    if t is None:
        return {"start": can_write}
    stale = t.is_stale
    return {
        "save": can_write,
        "update": can_write and stale,
        "submit": can_write and t.status == TranslationStatus.DRAFT and not stale,
        "publish": can_publish and t.status != TranslationStatus.PUBLISHED and not stale,
        "unpublish": can_publish and t.status == TranslationStatus.PUBLISHED,
        "machine": can_write and configured_engine() is not None and t.language in ENGINE_LANGUAGES,
    }


def _editor(
    request: HttpRequest,
    bulletin: Bulletin,
    language: str,
    *,
    form: TranslationForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    t = Translation.objects.filter(bulletin=bulletin, language=language).first()
    live = services.current_revision(bulletin)
    source = selectors.revision_of(bulletin, live)
    data = source.data if source is not None else {}
    if form is None and t is not None:
        form = TranslationForm(initial={"title": t.title, "summary": t.summary, "body": t.body})
    return render(
        request,
        "translations/editor.html",
        {
            "bulletin": bulletin,
            "language": language,
            "language_label": Language(language).label,
            "translation": t,
            "form": form or TranslationForm(),
            "errors": errors or [],
            "steps": _steps(request.user, bulletin, t),
            "source_title": data.get("title", bulletin.title),
            "source_summary": data.get("summary", bulletin.summary),
            "source_body": html.sanitise(source.body if source is not None else bulletin.body),
            "live_revision": live,
            "diff": selectors.source_diff(bulletin, t.source_revision, live) if t and t.is_stale else [],
        },
        status=status,
    )


def _text(form: TranslationForm) -> services.TranslationText:
    return services.TranslationText(
        title=form.cleaned_data["title"],
        summary=form.cleaned_data["summary"],
        body=form.cleaned_data["body"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, bulletin_id: int, language: str) -> HttpResponse:
    """Source live revision on the left, translation on the right; POST ``step`` runs one service."""
    if language not in Language.values or language == Language.VI:
        raise Http404
    bulletin = selectors.get_bulletin(request.user, bulletin_id)
    if request.method == "GET":
        return _editor(request, bulletin, language)
    step = request.POST.get("step", "")
    t = Translation.objects.filter(bulletin=bulletin, language=language).first()
    form: TranslationForm | None = None
    try:
        if step == "start":
            services.start_translation(actor=request.user, bulletin=bulletin, language=language)
            done = _("Đã mở bản dịch.")
        elif t is None:
            raise Http404
        elif step in {"save", "update"}:
            form = TranslationForm(request.POST)
            if not form.is_valid():
                return _editor(request, bulletin, language, form=form, status=422)
            if step == "update":
                services.bring_up_to_date(actor=request.user, translation=t, text=_text(form))
                done = _("Đã lưu bản dịch theo phiên bản mới của bản gốc.")
            else:
                services.save_draft(actor=request.user, translation=t, text=_text(form))
                done = _("Đã lưu bản dịch.")
        elif step == "submit":
            services.submit_for_review(actor=request.user, translation=t)
            done = _("Đã gửi bản dịch chờ duyệt.")
        elif step == "publish":
            services.publish(
                actor=request.user, translation=t, confirm_machine=request.POST.get("confirm_machine") == "1"
            )
            done = _("Đã xuất bản bản dịch.")
        elif step == "unpublish":
            services.unpublish(actor=request.user, translation=t, reason=request.POST.get("reason", ""))
            done = _("Đã gỡ bản dịch khỏi chuyên mục ngôn ngữ.")
        elif step == "machine":
            services.machine_draft(actor=request.user, translation=t)
            done = _("Đã điền bản dịch máy; cần người dịch hiệu đính trước khi xuất bản.")
        else:
            raise Http404
    except ValidationError as error:
        return _editor(request, bulletin, language, form=form, errors=error.messages, status=422)
    messages.success(request, done)
    return redirect("translations:editor", bulletin_id=bulletin.pk, language=language)
