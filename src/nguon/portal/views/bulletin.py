"""A bulletin's public page (in Vietnamese or in a foreign or ethnic language section) and its audio."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from nguon.content import html
from nguon.content.models import BulletinRevision
from nguon.portal import chrome
from nguon.portal.audio import public_renders
from nguon.portal.selectors import (
    ETHNIC_SECTIONS,
    get_public_item,
    languages_of,
    live_bulletins,
    public_items,
)
from nguon.portal.views.common import SECTIONS, check_section, item_url, render_page

AUDIO_MAX_AGE = 60


def _languages(bulletin_id: int, current: str, held: set[str]) -> list[dict[str, str]]:
    """The other sections that hold this bulletin (``held``), with the item's address there."""
    return [
        {
            "code": code,
            "name": chrome.SECTION_NAMES[code],
            "name_lang": chrome.name_lang(code),
            "hreflang": chrome.content_lang(code) if code in ETHNIC_SECTIONS else code,
            "url": item_url(bulletin_id, code),
        }
        for code in SECTIONS
        if code != current and code in held
    ]


@require_safe
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """A bulletin in Vietnamese (its original language when it has no Vietnamese text)."""
    return _item_page(request, pk, "vi")


@require_safe
def item_lang(request: HttpRequest, lang: str, pk: int) -> HttpResponse:
    """A bulletin in a foreign or ethnic language section: only while it belongs to that section."""
    if lang == "vi":
        raise Http404  # the Vietnamese page is portal:item
    return _item_page(request, pk, lang)


def _item_page(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    check_section(lang)
    held = languages_of(pk)
    if lang != "vi" and lang not in held:
        raise Http404  # not in that section (no translation, or a stale one), or not public
    public = get_public_item(pk, language=lang)
    corrected = BulletinRevision.objects.filter(
        bulletin_id=pk, number=public.revision, is_correction=True
    ).exists()
    renders = public_renders([public])
    context = {
        "item": public,
        # the stored HTML is sanitised when written; sanitising again here keeps the page safe even if
        # a row was written some other way, and its output is what may be marked safe
        "body": mark_safe(html.sanitise(public.body)),  # noqa: S308
        "corrected": corrected,
        "has_audio": public.bulletin_id in renders,
        "languages": _languages(pk, lang, held),
        "original_name": chrome.SECTION_NAMES.get(public.original_language, public.original_language),
        "original_name_lang": chrome.name_lang(public.original_language),
    }
    return render_page(request, "portal/item.html", context, lang=lang, changed=[public.updated_at])


@require_safe
def audio(request: HttpRequest, pk: int) -> FileResponse:
    """The MP3 of a public bulletin's live text (404 for anything else; see :mod:`nguon.portal.audio`)."""
    bulletin = live_bulletins().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    original = public_items([bulletin], language=bulletin.language)[0]
    render_obj = public_renders([original]).get(pk)
    if render_obj is None:
        raise Http404
    response = FileResponse(render_obj.mp3.open("rb"), content_type="audio/mpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{render_obj.sha256 or render_obj.cache_key}"'
    patch_cache_control(response, public=True, max_age=AUDIO_MAX_AGE)
    return response
