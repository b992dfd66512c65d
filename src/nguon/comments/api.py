"""API of the comments app, under /api/v1/comments/: comment moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from nguon.comments import selectors, services
from nguon.comments.choices import CommentStatus
from nguon.comments.models import Comment
from nguon.core import access
from nguon.core.schemas import ErrorOut

router = Router(tags=["comments"])


class CommentOut(Schema):
    id: int
    bulletin_id: int
    author_name: str
    email: str
    text: str
    status: str
    is_held: bool
    reason: str
    link_count: int
    created_at: datetime
    moderated_by: str | None
    moderated_at: datetime | None


class QueueFilters(Schema):
    status: CommentStatus | None = None
    bulletin: int | None = None
    held: bool | None = None
    q: str = ""
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class PageOut(Schema):
    count: int
    items: list[CommentOut]


class RejectIn(Schema):
    reason: str = ""
    spam: bool = False


def _out(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "bulletin_id": c.bulletin_id,
        "author_name": c.author_name,
        "email": c.email,
        "text": c.text,
        "status": c.status,
        "is_held": c.is_held,
        "reason": c.reason,
        "link_count": c.link_count,
        "created_at": c.created_at,
        "moderated_by": c.moderated_by.get_username() if c.moderated_by is not None else None,
        "moderated_at": c.moderated_at,
    }


def _moderator(request: HttpRequest) -> None:
    if not access.has_action(request.user, access.COMMENTS_MODERATE):
        raise Http404


@router.get("/queue", response={200: PageOut, 404: ErrorOut}, summary="Comments the caller may moderate")
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> Any:
    _moderator(request)
    qs = selectors.list_queue(
        request.user, status=filters.status, bulletin_id=filters.bulletin, held=filters.held, search=filters.q
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_out(c) for c in page]}


@router.post("/{comment_id}/approve", response={200: CommentOut, 404: ErrorOut}, summary="Approve a comment")
def approve(request: HttpRequest, comment_id: int) -> Any:
    comment = selectors.get_comment(request.user, comment_id)
    return _out(services.approve(actor=request.user, comment=comment))


@router.post(
    "/{comment_id}/reject",
    response={200: CommentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Reject a comment with a reason (or mark it as spam)",
)
def reject(request: HttpRequest, comment_id: int, payload: RejectIn) -> Any:
    comment = selectors.get_comment(request.user, comment_id)
    return _out(
        services.reject(actor=request.user, comment=comment, reason=payload.reason, spam=payload.spam)
    )
