"""Emergency broadcasts over the API: start on every device of a unit, stop, list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from nguon.content.models import MediaBlob
from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.devices.models import EmergencyBroadcast
from nguon.devices.services.emergencies import start_emergency, stop_emergency
from nguon.units.models import AdministrativeUnit

router = Router(tags=["devices"])


class EmergencyIn(Schema):
    unit_code: str
    media_sha256: str
    title: str = ""
    repeat: int = 1


class EmergencyOut(Schema):
    id: int
    unit_code: str
    title: str
    repeat: int
    devices: int
    started_at: datetime
    started_by: str
    stopped_at: datetime | None
    stopped_by: str


def _out(broadcast: EmergencyBroadcast) -> dict[str, Any]:
    return {
        "id": broadcast.pk,
        "unit_code": broadcast.unit.code,
        "title": broadcast.title,
        "repeat": broadcast.repeat,
        "devices": broadcast.devices.count(),
        "started_at": broadcast.started_at,
        "started_by": broadcast.started_by,
        "stopped_at": broadcast.stopped_at,
        "stopped_by": broadcast.stopped_by,
    }


def _visible(request: HttpRequest) -> Any:
    queryset = EmergencyBroadcast.objects.select_related("unit")
    return access.scope(request.user, queryset, access.BROADCAST_OPERATE) | access.scope(
        request.user, queryset, access.DEVICES_VIEW
    )


@router.get("/emergencies", response=list[EmergencyOut], summary="Emergency broadcasts, newest first")
def emergency_list(request: HttpRequest) -> Any:
    return [_out(b) for b in _visible(request).order_by("-started_at")[:100]]


@router.post(
    "/emergencies",
    response={201: EmergencyOut, 404: ErrorOut, 422: ErrorOut},
    summary="Put an audio file on air at once on every device of a unit (signed, also in the manifests)",
)
def emergency_start(request: HttpRequest, payload: EmergencyIn) -> Any:
    unit = AdministrativeUnit.objects.filter(code=payload.unit_code, is_current=True).first()
    blob = MediaBlob.objects.filter(sha256=payload.media_sha256).first()
    if unit is None:
        raise Http404
    if blob is None:
        return Status(422, {"error": {"code": "invalid", "message": "Không có tệp âm thanh với mã băm này."}})
    broadcast = start_emergency(
        actor=request.user, unit=unit, blob=blob, title=payload.title, repeat=payload.repeat
    )
    return Status(201, _out(broadcast))


@router.post(
    "/emergencies/{broadcast_id}/stop",
    response={200: EmergencyOut, 404: ErrorOut},
    summary="End an emergency broadcast everywhere; devices return to their schedule",
)
def emergency_stop(request: HttpRequest, broadcast_id: int) -> Any:
    broadcast = _visible(request).filter(pk=broadcast_id).first()
    if broadcast is None:
        raise Http404
    return _out(stop_emergency(actor=request.user, broadcast=broadcast))
