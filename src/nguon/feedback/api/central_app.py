"""API: intake from the national mobile app (contract v1, docs/integrations/central-feedback.md).

``POST central`` is called by the app itself with ``Authorization: Bearer <key>``, the key of an API
client of channel ``mobile_app`` (``nguon feedback api-key create NAME --channel mobile_app``); never a
session, so no CSRF token. The app's own id is the idempotency key: sending the same id again returns
200 with the feedback received the first time, nothing stored twice.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security.http import HttpAuthBase

from nguon.core.request_context import client_ip
from nguon.core.schemas import ErrorOut
from nguon.feedback.choices import Channel
from nguon.feedback.models import ApiClient
from nguon.feedback.services import central_app
from nguon.feedback.services.clients import client_for_key

router = Router(tags=["feedback-central"])
MAX_BODY = 64 * 1024


class AppKeyAuth(HttpAuthBase):
    """``Authorization: Bearer <key>`` of an active ``mobile_app`` API client (401 otherwise)."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> ApiClient | None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            return None
        client = client_for_key(key.strip())
        if client is None or client.channel != Channel.MOBILE_APP:
            return None
        return client


class CentralReceivedOut(Schema):
    id: str
    nguon_id: str
    status: str
    open311_status: str
    created: bool


def _invalid(message: str, details: list[dict[str, str]] | None = None) -> Status[Any]:
    body: dict[str, Any] = {"code": "invalid", "message": message}
    if details is not None:
        body["details"] = details
    return Status(422, {"error": body})


@router.post(
    "/central",
    auth=AppKeyAuth(),
    response={200: CentralReceivedOut, 201: CentralReceivedOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="The national mobile app pushes one feedback (idempotent by the app's id)",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
def receive(request: HttpRequest) -> Any:
    client = getattr(request, "auth", None)
    assert isinstance(client, ApiClient)
    if len(request.body) > MAX_BODY:
        return Status(413, {"error": {"code": "too_large", "message": "Nội dung lớn hơn 64 KB."}})
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _invalid("Nội dung không phải JSON hợp lệ (UTF-8).")
    feedback, created = central_app.receive(
        client=client, payload=payload, ip_address=client_ip(request) or ""
    )
    document = central_app.status_document(feedback)
    out = {
        "id": feedback.external_id,
        "nguon_id": feedback.public_id,
        "status": document["status"],
        "open311_status": document["open311_status"],
        "created": created,
    }
    return Status(201 if created else 200, out)
