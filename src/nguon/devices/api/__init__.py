"""API of the devices app, under /api/v1/devices/: what devices call (``me/…``, bearer token) and what
people call (registry, provisioning, commands; session)."""

from ninja import Router

from nguon.devices.api.device_side import router as device_router
from nguon.devices.api.device_web import router as device_web_router
from nguon.devices.api.emergencies import router as emergency_router
from nguon.devices.api.fleet import router as fleet_router
from nguon.devices.api.monitoring import router as monitoring_router

router = Router(tags=["devices"])
router.add_router("", device_router)
router.add_router("", device_web_router)
router.add_router("", emergency_router)
router.add_router("", monitoring_router)
router.add_router("", fleet_router)

__all__ = ["router"]
