"""The HTTP API, versioned under /api/v1/. Each app contributes a router from its ``api.py``.

Errors always have one shape: ``{"error": {"code": "...", "message": "...", "details": [...]}}``, with
Vietnamese messages; a missing object and a forbidden one are the same 404.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from nguon import __version__
from nguon.accounts.api import router as accounts_router
from nguon.boards.api import router as boards_router
from nguon.centralsync.api import router as centralsync_router
from nguon.comments.api import router as comments_router
from nguon.content.api import router as content_router
from nguon.content.files import RejectedFileError
from nguon.core.api import router as core_router
from nguon.core.api_errors import install_error_handlers
from nguon.devices.api import router as devices_router
from nguon.feedback.api import router as feedback_router
from nguon.outbound.api import router as outbound_router
from nguon.plan614.api import router as plan614_router
from nguon.radio.api import router as radio_router
from nguon.reports.api import router as reports_router
from nguon.translations.api import router as translations_router
from nguon.units.api import router as units_router

api = NinjaAPI(
    title="Nguồn API",
    version="1",
    description=f"Hệ thống thông tin nguồn cấp tỉnh — API v1 (Nguồn {__version__}).",
    urls_namespace="api-v1",
    auth=SessionAuth(),
)


error_response = install_error_handlers(api)


@api.exception_handler(RejectedFileError)
def _file_rejected(request: HttpRequest, exc: RejectedFileError) -> HttpResponse:
    return error_response(request, exc.status, "file_rejected", exc.message)


api.add_router("/units/", units_router)
api.add_router("/audit/", core_router)
api.add_router("", accounts_router)
api.add_router("/content/", content_router)
api.add_router("/devices/", devices_router)
api.add_router("/radio/", radio_router)
api.add_router("/boards/", boards_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/reports/", reports_router)
api.add_router("/translations/", translations_router)
api.add_router("/outbound/", outbound_router)
api.add_router("/comments/", comments_router)
api.add_router("/plan614/", plan614_router)
api.add_router("/centralsync/", centralsync_router)
