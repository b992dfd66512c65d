"""API of the content app (``/api/v1/content/``): one router per area, joined here."""

from ninja import Router

from nguon.content.api import bulletins, campaigns, central, search

router = Router()
router.add_router("", bulletins.router)
router.add_router("", campaigns.router)
router.add_router("", search.router)
router.add_router("", central.router)
