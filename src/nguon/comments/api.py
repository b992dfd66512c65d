"""API of the comments app, under /api/v1/comments/: comment moderation."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["comments"])
