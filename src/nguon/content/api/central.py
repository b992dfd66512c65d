"""API: intake from the central source system (contract v1, docs/integrations/central.md).

``POST central/bulletins`` is called by the central system itself: it authenticates with the bearer
token this installation issued (``NGUON_CENTRAL_PUSH_TOKEN``), never with a session, so it needs no CSRF
token. ``GET central/status`` is for people: system administrators and the editorial board.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security.http import HttpAuthBase

from nguon.content.central_contract import ContractVersionError, ItemInvalidError, check_contract
from nguon.content.selectors import central as central_selectors
from nguon.content.services import central
from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

router = Router(tags=["central"])

RETRY_AFTER_SECONDS = 60


class CentralPushAuth(HttpAuthBase):
    """``Authorization: Bearer <NGUON_CENTRAL_PUSH_TOKEN>``, compared in constant time.

    503 when no push token is configured (push is off); 401 when the header is missing or wrong. The
    header's value is never logged.
    """

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        expected: str = settings.NGUON_CENTRAL_PUSH_TOKEN
        if not expected:
            raise HttpError(503, "Chưa bật nhận tin đẩy từ trung ương (NGUON_CENTRAL_PUSH_TOKEN).")
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        if hmac.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8")):
            return "central"
        return None


class CentralPushOut(Schema):
    external_id: str
    bulletin_id: int
    result: str


class CentralStatusOut(Schema):
    pull_configured: bool
    push_configured: bool
    cursor: str
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    received: int
    pulled: int
    pushed: int
    awaiting_appraisal: int
    conflicts: int
    rejected: int


def _invalid(message: str, details: list[dict[str, str]]) -> Status[Any]:
    return Status(422, {"error": {"code": "invalid", "message": message, "details": details}})


@router.post(
    "central/bulletins",
    auth=CentralPushAuth(),
    response={
        200: CentralPushOut,
        201: CentralPushOut,
        400: ErrorOut,
        401: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary="Central system pushes one bulletin (contract v1; bearer push token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["contract", "item"],
                        "properties": {
                            "contract": {"type": "string", "example": "1"},
                            "item": {"type": "object", "description": "docs/integrations/central.md"},
                        },
                    }
                }
            },
        }
    },
)
def push(request: HttpRequest, response: HttpResponse) -> Any:
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HttpError(400, "Nội dung gửi lên không phải JSON hợp lệ (UTF-8).") from None
    if not isinstance(body, dict):
        raise HttpError(400, 'Nội dung gửi lên phải là đối tượng JSON {"contract": "1", "item": {…}}.')
    try:
        version = check_contract(body.get("contract"))
    except ContractVersionError as error:
        return _invalid(error.message, [{"field": "contract", "message": error.message}])
    try:
        received = central.receive_raw(body.get("item"), contract_version=version, channel=central.PUSH)
    except ItemInvalidError as error:
        details = [{"field": e.field, "message": e.message} for e in error.errors]
        return _invalid("Bản tin không đúng hợp đồng với hệ thống trung ương.", details)
    except central.IntakeUnavailableError as error:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return Status(503, {"error": {"code": "unavailable", "message": f"{error.message} Gửi lại sau."}})
    out = CentralPushOut(
        external_id=received.external_id, bulletin_id=received.bulletin_id, result=received.result
    )
    return Status(201 if received.result == central.CREATED else 200, out)


@router.get(
    "central/status",
    response={200: CentralStatusOut, 404: ErrorOut},
    summary="Where intake from the central system stands (system administrators, editorial board)",
)
def status(request: HttpRequest) -> Any:
    province = AdministrativeUnit.objects.filter(
        level=UnitLevel.PROVINCE, is_current=True, code=settings.NGUON_PROVINCE_CODE
    ).first()
    allowed = province is not None and (
        access.can(request.user, access.ADMIN_SITE, unit=province)
        or access.can(request.user, access.CONTENT_APPRAISE, unit=province)
    )
    if not allowed:
        raise Http404
    return central_selectors.get_status()
