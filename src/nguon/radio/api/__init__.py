"""API of the radio app, under /api/v1/radio/: programmes, schedules, emergencies, CAP, live."""

from ninja import Router

from nguon.radio.api.cap import router as cap_router
from nguon.radio.api.emergencies import router as emergency_router
from nguon.radio.api.live import router as live_router
from nguon.radio.api.programmes import router as programme_router

router = Router(tags=["radio"])
router.add_router("", programme_router)
router.add_router("", emergency_router)
router.add_router("", live_router)
router.add_router("", cap_router)

__all__ = ["router"]
