"""Reads of the translations app: the translations a person may work on, and the work list of bulletins
needing a translation, with a stale one or one in review."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from nguon.content.choices import Language, Status
from nguon.content.models import Bulletin, BulletinRevision
from nguon.core import access
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation

#: The languages a bulletin can be translated into.
TARGET_LANGUAGES = [(code, label) for code, label in Language.choices if code != Language.VI]
_TOKENS = re.compile(r"\s+|[^\s]+")


class WorkState:
    """Where a bulletin stands for one language, as the work list shows it."""

    MISSING = "missing"
    DRAFT = "draft"
    REVIEW = "review"
    STALE = "stale"
    PUBLISHED = "published"


STATE_LABELS = {
    WorkState.MISSING: "Chưa dịch",
    WorkState.DRAFT: "Đang dịch",
    WorkState.REVIEW: "Chờ duyệt bản dịch",
    WorkState.STALE: "Cần cập nhật (bản gốc đã đính chính)",
    WorkState.PUBLISHED: "Đã xuất bản",
}


@dataclass(frozen=True)
class WorkRow:
    """One bulletin in the work list, for one language."""

    bulletin: Bulletin
    translation: Translation | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _translation_q(user: Any) -> QuerySet[Translation]:
    base = Translation.objects.select_related("bulletin", "bulletin__unit", "translator")
    writable = access.scope(user, base, access.TRANSLATIONS_WRITE)
    publishable = access.scope(user, base, access.TRANSLATIONS_PUBLISH)
    return (writable | publishable).distinct()


def list_translations(
    user: Any, *, language: str | None = None, status: str | None = None
) -> QuerySet[Translation]:
    """Translations ``user`` may write or publish."""
    qs = _translation_q(user)
    if language:
        qs = qs.filter(language=language)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def get_translation(user: Any, bulletin_id: int, language: str) -> Translation:
    """One translation ``user`` may write or publish (404 otherwise)."""
    found = _translation_q(user).filter(bulletin_id=bulletin_id, language=language).first()
    if found is None:
        from django.http import Http404

        raise Http404
    return found


def translatable_bulletins(user: Any) -> QuerySet[Bulletin]:
    """Live bulletins ``user`` may translate or publish translations of."""
    base = Bulletin.objects.filter(live_revision__isnull=False).exclude(status=Status.WITHDRAWN)
    writable = access.scope(user, base, access.TRANSLATIONS_WRITE)
    publishable = access.scope(user, base, access.TRANSLATIONS_PUBLISH)
    return (writable | publishable).distinct().select_related("unit", "category")


def get_bulletin(user: Any, bulletin_id: int) -> Bulletin:
    found = translatable_bulletins(user).filter(pk=bulletin_id).first()
    if found is None:
        from django.http import Http404

        raise Http404
    return found


def state_of(bulletin: Bulletin, translation: Translation | None) -> str:
    if translation is None:
        return WorkState.MISSING
    live = bulletin.live_revision if bulletin.live_revision is not None else bulletin.revision
    if translation.source_revision < live:
        return WorkState.STALE
    return {
        TranslationStatus.DRAFT: WorkState.DRAFT,
        TranslationStatus.REVIEW: WorkState.REVIEW,
        TranslationStatus.PUBLISHED: WorkState.PUBLISHED,
    }[TranslationStatus(translation.status)]


def work_list(user: Any, *, language: str, state: str = "", limit: int = 200) -> list[WorkRow]:
    """Live bulletins and their translation into ``language``: not yet translated, stale, in review…
    (``state`` filters; bulletins written in ``language`` are left out)."""
    bulletins = list(
        translatable_bulletins(user).exclude(language=language).order_by("-distributed_at", "-pk")[:limit]
    )
    translations = {
        t.bulletin_id: t
        for t in Translation.objects.filter(bulletin__in=[b.pk for b in bulletins], language=language)
    }
    rows = [WorkRow(b, translations.get(b.pk), state_of(b, translations.get(b.pk))) for b in bulletins]
    if state:
        rows = [r for r in rows if r.state == state]
    order = [WorkState.STALE, WorkState.REVIEW, WorkState.MISSING, WorkState.DRAFT, WorkState.PUBLISHED]
    return sorted(rows, key=lambda r: order.index(r.state))


def revision_of(bulletin: Bulletin, number: int) -> BulletinRevision | None:
    return BulletinRevision.objects.filter(bulletin=bulletin, number=number).first()


def source_diff(bulletin: Bulletin, old: int, new: int) -> list[tuple[str, str]]:
    """What changed in the source's text (``body_text``, with title and summary) from revision ``old`` to
    ``new``, word by word: ``(op, text)`` with op in equal/insert/delete."""
    revisions = {
        r.number: r for r in BulletinRevision.objects.filter(Q(number=old) | Q(number=new), bulletin=bulletin)
    }

    def text(number: int) -> str:
        r = revisions.get(number)
        if r is None:
            return ""
        data = r.data
        return "\n".join(str(data.get(k, "")) for k in ("title", "summary", "body_text") if data.get(k))

    a, b = _TOKENS.findall(text(old)), _TOKENS.findall(text(new))
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("insert", "".join(b[j1:j2])))
    return _merge_changes(ops)


def _merge_changes(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join changes separated only by spaces into one deleted and one inserted run (easier to read than
    alternating single words)."""
    merged: list[tuple[str, str]] = []
    deleted, inserted = "", ""

    def flush() -> None:
        nonlocal deleted, inserted
        if deleted:
            merged.append(("delete", deleted))
        if inserted:
            merged.append(("insert", inserted))
        deleted, inserted = "", ""

    for index, (op, text) in enumerate(ops):
        following = ops[index + 1][0] if index + 1 < len(ops) else ""
        if op == "equal":
            if (deleted or inserted) and text.isspace() and following in ("delete", "insert"):
                deleted, inserted = deleted + text, inserted + text
                continue
            flush()
            merged.append(("equal", text))
        elif op == "delete":
            deleted += text
        else:
            inserted += text
    flush()
    return merged
