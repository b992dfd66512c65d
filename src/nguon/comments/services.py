"""Writes of the comments app done by staff: turning a bulletin's comments on or off, moderating
comments (approve, reject, spam) and the banned-word list. Readers' comments come in through
:mod:`nguon.comments.intake`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nguon.comments.choices import CommentStatus
from nguon.comments.models import BannedWord, Comment, CommentThread
from nguon.content.models import Bulletin
from nguon.core import access, audit
from nguon.core.text import fold, nfc
from nguon.units.models import AdministrativeUnit

_COMMENT_FIELDS = ("status", "reason", "is_held")


def _person(actor: Any) -> Any:
    return None if isinstance(actor, access.SystemActor) or getattr(actor, "pk", None) is None else actor


def set_comments_enabled(*, actor: Any, bulletin: Bulletin, enabled: bool) -> CommentThread:
    """Turn readers' comments on or off for one bulletin (a moderator of the bulletin's unit)."""
    access.require(actor, access.COMMENTS_MODERATE, unit=bulletin.unit)
    with transaction.atomic():
        thread, _ = CommentThread.objects.select_for_update().get_or_create(bulletin=bulletin)
        before = {"is_enabled": thread.is_enabled}
        thread.is_enabled = enabled
        thread.changed_by = _person(actor)
        thread.save()
        audit.record(
            actor=actor,
            action="comments.thread.enable" if enabled else "comments.thread.disable",
            target=bulletin,
            unit=bulletin.unit,
            before=before,
            after={"is_enabled": enabled},
        )
    return thread


def _moderate(*, actor: Any, comment: Comment, status: str, reason: str, verb: str) -> Comment:
    access.require(actor, access.COMMENTS_MODERATE, unit=comment.bulletin.unit)
    with transaction.atomic():
        c = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("bulletin__unit")
            .get(pk=comment.pk)
        )
        before = audit.snapshot(c, _COMMENT_FIELDS)
        c.status = status
        c.reason = reason
        c.is_held = False
        c.moderated_by = _person(actor)
        c.moderated_at = timezone.now()
        c.save()
        audit.record(
            actor=actor,
            action=f"comments.comment.{verb}",
            target=c,
            unit=c.bulletin.unit,
            before=before,
            after=audit.snapshot(c, _COMMENT_FIELDS),
        )
    return c


def approve(*, actor: Any, comment: Comment) -> Comment:
    """Show the comment on the portal (from the next page load)."""
    return _moderate(actor=actor, comment=comment, status=CommentStatus.APPROVED, reason="", verb="approve")


def reject(*, actor: Any, comment: Comment, reason: str, spam: bool = False) -> Comment:
    """Refuse the comment with a reason (required), or mark it as spam."""
    reason = nfc(reason)[:300]
    if not reason and not spam:
        raise ValidationError({"reason": ["Cần ghi lý do từ chối."]})
    return _moderate(
        actor=actor,
        comment=comment,
        status=CommentStatus.SPAM if spam else CommentStatus.REJECTED,
        reason=reason or "Thư rác",
        verb="spam" if spam else "reject",
    )


def add_banned_word(*, actor: Any, unit: AdministrativeUnit, word: str) -> BannedWord:
    """Ban a word or phrase for comments on bulletins of ``unit`` and below."""
    access.require(actor, access.COMMENTS_MODERATE, unit=unit)
    word = nfc(word)
    folded = fold(word)
    if not folded:
        raise ValidationError({"word": ["Cần nhập từ hoặc cụm từ (có chữ hoặc số)."]})
    if len(word) > 100:
        raise ValidationError({"word": ["Từ, cụm từ dài quá 100 ký tự."]})
    try:
        with transaction.atomic():
            banned = BannedWord.objects.create(unit=unit, word=word, folded=folded, added_by=_person(actor))
            audit.record(
                actor=actor, action="comments.banned_word.add", target=banned, unit=unit, after={"word": word}
            )
    except IntegrityError:
        raise ValidationError({"word": [f"“{word}” đã có trong danh sách."]}) from None
    return banned


def remove_banned_word(*, actor: Any, banned: BannedWord) -> None:
    access.require(actor, access.COMMENTS_MODERATE, unit=banned.unit)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="comments.banned_word.remove",
            target=banned,
            unit=banned.unit,
            before={"word": banned.word},
        )
        banned.delete()
