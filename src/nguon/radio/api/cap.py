"""API of CAP 1.2: import an alert as an emergency order waiting for approval; list published messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.radio.cap.schema import MAX_BYTES
from nguon.radio.choices import EmergencyStatus
from nguon.radio.selectors.cap import visible_messages
from nguon.radio.services.cap import import_cap, public_url
from nguon.units.models import AdministrativeUnit

router = Router(tags=["radio"])


class ImportOut(Schema):
    order_id: int
    status: str
    msg_type: str
    identifier: str
    title: str
    unit_codes: list[str]
    unmapped: list[str]


class CapMessageOut(Schema):
    identifier: str
    msg_type: str
    sent: datetime
    references: str
    order_id: int
    url: str


def _body(request: HttpRequest) -> bytes:
    """The CAP XML: the multipart ``file`` (read at most one byte past the limit) or the raw body."""
    upload = request.FILES.get("file")
    if upload is not None:
        return bytes(upload.read(MAX_BYTES + 1))
    return request.body


def _refused(error: ValidationError) -> Any:
    messages = error.message_dict.get("xml") if hasattr(error, "error_dict") else None
    if not messages:
        raise error
    return Status(422, {"error": {"code": "cap_rejected", "message": messages[0]}})


@router.post(
    "/cap/import",
    response={201: ImportOut, 200: ImportOut, 404: ErrorOut, 422: ErrorOut},
    summary="Import a CAP 1.2 alert (body: the XML, or multipart 'file') for the unit ?issuer=CODE: an "
    "emergency order waiting for approval (201); a Cancel stops the order it references (200)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/cap+xml": {"schema": {"type": "string", "format": "binary"}},
                "application/xml": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
def cap_import(request: HttpRequest, issuer: str) -> Any:
    unit = AdministrativeUnit.objects.filter(code=issuer, is_current=True).first()
    if unit is None:
        raise Http404
    access.require(request.user, access.BROADCAST_EMERGENCY, unit=unit)
    try:
        order = import_cap(actor=request.user, xml=_body(request), issuer_unit=unit)
    except ValidationError as error:
        return _refused(error)
    source = order.cap_source or {}
    cancelled = order.status != EmergencyStatus.AWAITING_APPROVAL
    return Status(
        200 if cancelled else 201,
        {
            "order_id": order.pk,
            "status": order.status,
            "msg_type": "Cancel" if cancelled else str(source.get("msg_type", "Alert")),
            "identifier": str(source.get("identifier", "")),
            "title": order.title,
            "unit_codes": [u.code for u in order.units.order_by("path")],
            "unmapped": list(source.get("unmapped") or []),
        },
    )


@router.get("/cap/messages", response=list[CapMessageOut], summary="CAP messages of the orders I may see")
def cap_messages(request: HttpRequest) -> Any:
    return [
        {
            "identifier": m.identifier,
            "msg_type": m.msg_type,
            "sent": m.sent,
            "references": m.references,
            "order_id": m.order_id,
            "url": public_url(m.identifier),
        }
        for m in visible_messages(request.user)[:200]
    ]
