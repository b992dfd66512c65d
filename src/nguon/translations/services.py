"""Writes of the translations app: start, save, submit, publish, bring up to date, unpublish, machine
drafts, and the notice to translators when the source is corrected.

A translation is made from one live revision of its bulletin (``source_revision``). When a correction
goes live, every translation made from an older revision is *stale*: the public no longer sees it
(:mod:`nguon.portal.selectors`) and it cannot be published until a translator brings it up to date.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content import html
from nguon.content.choices import Language, Status
from nguon.content.models import Bulletin
from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.feeds.services import bump_public_version
from nguon.translations.choices import TranslationStatus
from nguon.translations.machine import MachineTranslationError, TranslationEngine, configured_engine
from nguon.translations.models import Translation

STALE_MESSAGE = "Bản gốc đã được đính chính, cần cập nhật bản dịch trước khi xuất bản"
MACHINE_MESSAGE = (
    "Đây là bản dịch máy chưa được người dịch hiệu đính; "
    "người duyệt cần xác nhận đã kiểm tra trước khi xuất bản."
)
_FIELDS = ("title", "summary", "body", "status", "source_revision", "is_machine", "engine")


@dataclass(frozen=True)
class TranslationText:
    """What a translator writes: the three text fields of a translation."""

    title: str
    summary: str = ""
    body: str = ""


def current_revision(bulletin: Bulletin) -> int:
    """The source revision a translation must be made from: the live one."""
    return bulletin.live_revision if bulletin.live_revision is not None else bulletin.revision


def is_live(bulletin: Bulletin) -> bool:
    return bulletin.live_revision is not None and bulletin.status != Status.WITHDRAWN


def url_of(translation: Translation) -> str:
    return reverse("translations:editor", args=[translation.bulletin_id, translation.language])


def _lock(translation: Translation) -> Translation:
    return (
        Translation.objects.select_for_update(of=("self",))
        .select_related("bulletin", "bulletin__unit")
        .get(pk=translation.pk)
    )


def _record(actor: Any, verb: str, t: Translation, before: dict[str, Any] | None, **extra: Any) -> None:
    after = audit.snapshot(t, _FIELDS)
    after.update(extra)
    audit.record(
        actor=actor,
        action=f"translations.translation.{verb}",
        target=t,
        unit=t.bulletin.unit,
        before=before,
        after=after,
    )


def _person(actor: Any) -> Any:
    return (
        actor
        if getattr(actor, "pk", None) is not None and not isinstance(actor, access.SystemActor)
        else None
    )


def _apply_text(t: Translation, text: TranslationText) -> bool:
    """Set the cleaned text on ``t``; True when it differs from what was there."""
    title = nfc(text.title)
    if not title:
        raise ValidationError({"title": ["Cần nhập tiêu đề bản dịch."]})
    if len(title) > 300:
        raise ValidationError({"title": ["Tiêu đề dài quá 300 ký tự."]})
    summary = nfc(text.summary)
    body = html.sanitise(text.body)
    changed = (title, summary, body) != (t.title, t.summary, t.body)
    t.title, t.summary, t.body = title, summary, body
    t.body_text = html.to_text(body)
    return changed


def start_translation(*, actor: Any, bulletin: Bulletin, language: str) -> Translation:
    """Open a translation of a live bulletin into ``language`` (an empty draft made from its live revision)."""
    access.require(actor, access.TRANSLATIONS_WRITE, unit=bulletin.unit)
    if language not in Language.values or language == Language.VI:
        raise ValidationError({"language": ["Chọn một ngôn ngữ dịch khác tiếng Việt."]})
    if language == bulletin.language:
        raise ValidationError({"language": ["Bản tin đã được viết bằng ngôn ngữ này."]})
    if not is_live(bulletin):
        raise ValidationError("Chỉ dịch được bản tin đang phát hành.")
    with transaction.atomic():
        if Translation.objects.filter(bulletin=bulletin, language=language).exists():
            raise ValidationError({"language": ["Bản tin đã có bản dịch sang ngôn ngữ này."]})
        t = Translation.objects.create(
            bulletin=bulletin,
            language=language,
            title="",
            source_revision=current_revision(bulletin),
            translator=_person(actor),
        )
        _record(actor, "start", t, None)
    return t


def save_draft(*, actor: Any, translation: Translation, text: TranslationText) -> Translation:
    """Save the translator's text. A published translation goes back to draft (it leaves the public
    section until published again); edited machine text is no longer a machine draft."""
    access.require(actor, access.TRANSLATIONS_WRITE, unit=translation.bulletin.unit)
    with transaction.atomic():
        t = _lock(translation)
        before = audit.snapshot(t, _FIELDS)
        changed = _apply_text(t, text)
        if changed:
            t.is_machine = False
        t.status = TranslationStatus.DRAFT
        if _person(actor) is not None:
            t.translator = actor
        t.save()
        bump_public_version(when=before["status"] == TranslationStatus.PUBLISHED)
        _record(actor, "save", t, before)
    return t


def bring_up_to_date(*, actor: Any, translation: Translation, text: TranslationText) -> Translation:
    """Save the translator's revised text and mark it as made from the live revision of the source."""
    access.require(actor, access.TRANSLATIONS_WRITE, unit=translation.bulletin.unit)
    with transaction.atomic():
        t = _lock(translation)
        if not is_live(t.bulletin):
            raise ValidationError("Bản tin gốc không còn phát hành.")
        before = audit.snapshot(t, _FIELDS)
        changed = _apply_text(t, text)
        if changed:
            t.is_machine = False
        t.source_revision = current_revision(t.bulletin)
        t.status = TranslationStatus.DRAFT
        if _person(actor) is not None:
            t.translator = actor
        t.save()
        bump_public_version(when=before["status"] == TranslationStatus.PUBLISHED)
        _record(actor, "update_source", t, before)
    return t


def submit_for_review(*, actor: Any, translation: Translation) -> Translation:
    """Send a draft to the people who publish translations."""
    access.require(actor, access.TRANSLATIONS_WRITE, unit=translation.bulletin.unit)
    with transaction.atomic():
        t = _lock(translation)
        if t.status != TranslationStatus.DRAFT:
            raise ValidationError("Chỉ gửi duyệt được bản dịch đang soạn.")
        if not t.title or not t.body_text:
            raise ValidationError("Bản dịch chưa có tiêu đề hoặc nội dung.")
        if t.is_stale:
            raise ValidationError(STALE_MESSAGE + ".")
        before = audit.snapshot(t, _FIELDS)
        t.status = TranslationStatus.REVIEW
        t.save()
        _record(actor, "submit", t, before)
        notify(
            users=access.people_who_can(access.TRANSLATIONS_PUBLISH, unit=t.bulletin.unit),
            kind="translation-review",
            message=f"Bản dịch chờ duyệt ({t.get_language_display()}): {t.title}",
            url=url_of(t),
            bulletin=t.bulletin,
            exclude=actor,
        )
    return t


def publish(*, actor: Any, translation: Translation, confirm_machine: bool = False) -> Translation:
    """Publish a translation to its language section; refused when stale, and for an unedited machine
    draft unless the reviewer confirms they checked it."""
    access.require(actor, access.TRANSLATIONS_PUBLISH, unit=translation.bulletin.unit)
    with transaction.atomic():
        t = _lock(translation)
        if t.status == TranslationStatus.PUBLISHED:
            raise ValidationError("Bản dịch đã được xuất bản.")
        if not is_live(t.bulletin):
            raise ValidationError("Bản tin gốc không còn phát hành.")
        if t.is_stale:
            raise ValidationError(STALE_MESSAGE + ".")
        if not t.title or not t.body_text:
            raise ValidationError("Bản dịch chưa có tiêu đề hoặc nội dung.")
        if t.is_machine and not confirm_machine:
            raise ValidationError(MACHINE_MESSAGE)
        before = audit.snapshot(t, _FIELDS)
        t.status = TranslationStatus.PUBLISHED
        t.published_at = timezone.now()
        t.published_by = _person(actor)
        t.save()
        bump_public_version()
        _record(actor, "publish", t, before, machine_confirmed=bool(t.is_machine and confirm_machine))
        if t.translator is not None:
            notify(
                users=[t.translator],
                kind="translation-published",
                message=f"Bản dịch đã được xuất bản ({t.get_language_display()}): {t.title}",
                url=url_of(t),
                bulletin=t.bulletin,
                exclude=actor,
            )
    return t


def unpublish(*, actor: Any, translation: Translation, reason: str = "") -> Translation:
    """Take a published translation off its language section (back to draft)."""
    access.require(actor, access.TRANSLATIONS_PUBLISH, unit=translation.bulletin.unit)
    with transaction.atomic():
        t = _lock(translation)
        if t.status != TranslationStatus.PUBLISHED:
            raise ValidationError("Bản dịch chưa được xuất bản.")
        before = audit.snapshot(t, _FIELDS)
        t.status = TranslationStatus.DRAFT
        t.save()
        bump_public_version()
        _record(actor, "unpublish", t, before, reason=nfc(reason))
    return t


def machine_draft(
    *, actor: Any, translation: Translation, engine: TranslationEngine | None = None
) -> Translation:
    """Fill the translation with a machine draft of the live revision (``is_machine=True``).

    Raises :class:`ValidationError` with the engine's error; nothing is changed then.
    """
    from nguon.content.models import BulletinRevision

    access.require(actor, access.TRANSLATIONS_WRITE, unit=translation.bulletin.unit)
    engine = engine or configured_engine()
    if engine is None:
        raise ValidationError("Chưa cấu hình công cụ dịch máy (NGUON_MACHINE_TRANSLATION_URL).")
    bulletin = translation.bulletin
    if not is_live(bulletin):
        raise ValidationError("Bản tin gốc không còn phát hành.")
    live = current_revision(bulletin)
    revision = BulletinRevision.objects.filter(bulletin=bulletin, number=live).first()
    data = revision.data if revision is not None else {}
    title = str(data.get("title", bulletin.title))
    summary = str(data.get("summary", bulletin.summary))
    body = revision.body if revision is not None else bulletin.body
    source = str(data.get("language", bulletin.language))
    try:
        out_title, out_summary, out_body = engine.translate(
            [html_lib.escape(title), html_lib.escape(summary), body],
            source=source,
            target=translation.language,
        )
    except MachineTranslationError as error:
        raise ValidationError(error.message) from None
    with transaction.atomic():
        t = _lock(translation)
        before = audit.snapshot(t, _FIELDS)
        _apply_text(
            t,
            TranslationText(
                title=html.to_text(out_title)[:300] or title,
                summary=html.to_text(out_summary),
                body=out_body,
            ),
        )
        t.is_machine = True
        t.engine = engine.name
        t.source_revision = live
        t.status = TranslationStatus.DRAFT
        t.save()
        bump_public_version(when=before["status"] == TranslationStatus.PUBLISHED)
        _record(actor, "machine_draft", t, before)
    return t


def mark_stale(*, bulletin_id: int, revision: int) -> list[Translation]:
    """After a correction went live: tell the translator of every translation made from an older
    revision that theirs is stale (one notice each, an audit event per translation)."""
    bulletin = Bulletin.objects.filter(pk=bulletin_id).select_related("unit").first()
    if bulletin is None:  # deleted since: nothing to tell
        return []
    stale = list(
        Translation.objects.filter(bulletin=bulletin, source_revision__lt=revision).select_related(
            "translator"
        )
    )
    if not stale:
        return []
    actor = access.SystemActor("translations:stale")
    with transaction.atomic():
        for t in stale:
            t.bulletin = bulletin
            audit.record(
                actor=actor,
                action="translations.translation.stale",
                target=t,
                unit=bulletin.unit,
                before={"source_revision": t.source_revision, "status": t.status},
                after={"live_revision": revision},
            )
            recipients = [t.translator] if t.translator is not None else []
            if not recipients:
                recipients = list(access.people_who_can(access.TRANSLATIONS_WRITE, unit=bulletin.unit))
            notify(
                users=recipients,
                kind="translation-stale",
                message=(
                    f"Bản gốc đã được đính chính (phiên bản {revision}), bản dịch "
                    f"{t.get_language_display()} cần cập nhật: {bulletin.title}"
                ),
                url=url_of(t),
                bulletin=bulletin,
            )
    return stale
