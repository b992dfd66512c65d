"""API of the feedback app, under /api/v1/feedback/: each area module contributes a router, added here."""

from ninja import Router

from nguon.feedback.api import central_app, intake, staff

router = Router(tags=["feedback"])
router.add_router("", intake.router)
router.add_router("", staff.router)
router.add_router("", central_app.router)

__all__ = ["router"]
