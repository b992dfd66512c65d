"""API of the boards app, under /api/v1/boards/: each area module contributes a router, added here."""

from ninja import Router

from nguon.boards.api.calendar import router as calendar_router
from nguon.boards.api.items import router as items_router
from nguon.boards.api.playlists import router as playlists_router
from nguon.boards.api.schedules import router as schedules_router

router = Router(tags=["boards"])
router.add_router("", items_router)
router.add_router("", playlists_router)
router.add_router("", schedules_router)
router.add_router("", calendar_router)

__all__ = ["router"]
