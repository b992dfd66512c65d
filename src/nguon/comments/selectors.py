"""Reads of the comments app: the public thread of a bulletin and the moderators' queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from nguon.comments.choices import CommentStatus
from nguon.comments.models import BannedWord, Comment, CommentThread
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.portal.selectors import live_bulletins


def get_public_bulletin(bulletin_id: int) -> Bulletin:
    """A bulletin the public may read (404 otherwise): only those carry a comment thread."""
    found = live_bulletins().filter(pk=bulletin_id).first()
    if found is None:
        raise Http404
    return found


def approved_comments(bulletin: Bulletin) -> QuerySet[Comment]:
    """What the public sees: approved comments, oldest first."""
    return Comment.objects.filter(bulletin=bulletin, status=CommentStatus.APPROVED).order_by(
        "created_at", "pk"
    )


def thread_enabled(bulletin: Bulletin) -> bool:
    return CommentThread.objects.filter(bulletin=bulletin, is_enabled=True).exists()


def list_queue(
    user: Any,
    *,
    status: str | None = None,
    bulletin_id: int | None = None,
    held: bool | None = None,
    search: str = "",
) -> QuerySet[Comment]:
    """Comments ``user`` may moderate (by the bulletin's unit), pending first, newest first."""
    qs = access.scope(
        user, Comment.objects.select_related("bulletin", "moderated_by"), access.COMMENTS_MODERATE
    )
    if status:
        qs = qs.filter(status=status)
    if bulletin_id is not None:
        qs = qs.filter(bulletin_id=bulletin_id)
    if held is not None:
        qs = qs.filter(is_held=held)
    if search:
        qs = qs.filter(Q(text__icontains=search) | Q(author_name__icontains=search))
    pending_first = Case(
        When(status=CommentStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(pending_first=pending_first).order_by("pending_first", "-created_at", "-pk")


def get_comment(user: Any, pk: int) -> Comment:
    return access.get_scoped_or_404(
        user, Comment.objects.select_related("bulletin__unit"), access.COMMENTS_MODERATE, pk=pk
    )


def list_banned_words(user: Any) -> QuerySet[BannedWord]:
    return access.scope(user, BannedWord.objects.select_related("unit", "added_by"), access.COMMENTS_MODERATE)


def get_banned_word(user: Any, pk: int) -> BannedWord:
    return access.get_scoped_or_404(
        user, BannedWord.objects.select_related("unit"), access.COMMENTS_MODERATE, pk=pk
    )


def moderated_bulletins(user: Any) -> QuerySet[Bulletin]:
    """Public bulletins whose comments ``user`` may switch on or off, newest first."""
    return access.scope(user, live_bulletins(), access.COMMENTS_MODERATE)


def enabled_ids(bulletin_ids: list[int]) -> set[int]:
    return set(
        CommentThread.objects.filter(bulletin_id__in=bulletin_ids, is_enabled=True).values_list(
            "bulletin_id", flat=True
        )
    )
