"""API of the translations app, under /api/v1/translations/: translations of bulletins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nguon.content.choices import Language
from nguon.core.schemas import ErrorOut
from nguon.translations import selectors, services
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation

router = Router(tags=["translations"])


class TranslationOut(Schema):
    bulletin_id: int
    language: str
    title: str
    summary: str
    status: str
    source_revision: int
    live_revision: int | None
    is_stale: bool
    is_machine: bool
    engine: str
    translator: str | None
    updated_at: datetime
    published_at: datetime | None


class TranslationDetailOut(TranslationOut):
    body: str
    body_text: str


class TranslationIn(Schema):
    title: str
    summary: str = ""
    body: str = ""
    up_to_date: bool = Field(False, description="Also mark the text as made from the live revision.")


class PublishIn(Schema):
    confirm_machine: bool = Field(False, description="The reviewer checked an unedited machine draft.")


class TranslationFilters(Schema):
    language: Language | None = None
    status: TranslationStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class PageOut(Schema):
    count: int
    items: list[TranslationOut]


def _out(t: Translation) -> dict[str, Any]:
    return {
        "bulletin_id": t.bulletin_id,
        "language": t.language,
        "title": t.title,
        "summary": t.summary,
        "status": t.status,
        "source_revision": t.source_revision,
        "live_revision": t.bulletin.live_revision,
        "is_stale": t.is_stale,
        "is_machine": t.is_machine,
        "engine": t.engine,
        "translator": t.translator.get_username() if t.translator is not None else None,
        "updated_at": t.updated_at,
        "published_at": t.published_at,
    }


def _detail(t: Translation) -> dict[str, Any]:
    return {**_out(t), "body": t.body, "body_text": t.body_text}


@router.get("", response=PageOut, summary="Translations the caller may write or publish")
def list_translations(request: HttpRequest, filters: Query[TranslationFilters]) -> Any:
    qs = selectors.list_translations(request.user, language=filters.language, status=filters.status)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_out(t) for t in page]}


@router.get(
    "/{bulletin_id}/{language}",
    response={200: TranslationDetailOut, 404: ErrorOut},
    summary="One translation of a bulletin",
)
def get_translation(request: HttpRequest, bulletin_id: int, language: str) -> Any:
    return _detail(selectors.get_translation(request.user, bulletin_id, language))


@router.put(
    "/{bulletin_id}/{language}",
    response={200: TranslationDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Save the draft text (opens the translation when there is none yet)",
)
def put_draft(request: HttpRequest, bulletin_id: int, language: str, payload: TranslationIn) -> Any:
    bulletin = selectors.get_bulletin(request.user, bulletin_id)
    t = Translation.objects.filter(bulletin=bulletin, language=language).first()
    if t is None:
        t = services.start_translation(actor=request.user, bulletin=bulletin, language=language)
    text = services.TranslationText(title=payload.title, summary=payload.summary, body=payload.body)
    if payload.up_to_date:
        t = services.bring_up_to_date(actor=request.user, translation=t, text=text)
    else:
        t = services.save_draft(actor=request.user, translation=t, text=text)
    return _detail(t)


@router.post(
    "/{bulletin_id}/{language}/submit",
    response={200: TranslationDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Send the draft for review",
)
def submit(request: HttpRequest, bulletin_id: int, language: str) -> Any:
    t = selectors.get_translation(request.user, bulletin_id, language)
    return _detail(services.submit_for_review(actor=request.user, translation=t))


@router.post(
    "/{bulletin_id}/{language}/publish",
    response={200: TranslationDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Publish to the language's section (refused when the source was corrected since)",
)
def publish(request: HttpRequest, bulletin_id: int, language: str, payload: PublishIn) -> Any:
    t = selectors.get_translation(request.user, bulletin_id, language)
    return _detail(
        services.publish(actor=request.user, translation=t, confirm_machine=payload.confirm_machine)
    )
