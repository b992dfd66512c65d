"""API of the boards app, under /api/v1/boards/: each area module contributes a router, added here."""

from ninja import Router

router = Router(tags=["boards"])

__all__ = ["router"]
