"""API of the feedback app, under /api/v1/feedback/: each area module contributes a router, added here."""

from ninja import Router

router = Router(tags=["feedback"])

__all__ = ["router"]
