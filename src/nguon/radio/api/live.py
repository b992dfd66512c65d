"""API of radio live: sessions (start, on air, end) and the browser microphone's audio chunks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.devices.models import DeviceGroup
from nguon.radio.models import LiveSession
from nguon.radio.selectors.live import get_session, has_signal, list_sessions
from nguon.radio.services.live import end_live, go_on_air, protocol_id, receive_chunk, start_live, stream_url
from nguon.units.models import AdministrativeUnit

router = Router(tags=["radio"])


class LiveIn(Schema):
    unit_code: str
    title: str
    kind: str = "microphone"
    residential_codes: list[str] = Field(default_factory=list)
    group_id: int | None = None


class OnAirIn(Schema):
    force: bool = False  # go on air even before Icecast has sound on the mount


class LiveOut(Schema):
    id: int
    protocol_id: str
    unit_code: str
    title: str
    kind: str
    status: str
    mount: str
    stream_url: str
    devices: list[str]
    started_at: datetime
    ended_at: datetime | None


class LiveStateOut(LiveOut):
    signal: bool


class ChunkOut(Schema):
    seq: int
    stored: bool


def _out(session: LiveSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "protocol_id": protocol_id(session),
        "unit_code": session.unit.code,
        "title": session.title,
        "kind": session.kind,
        "status": session.status,
        "mount": session.mount,
        "stream_url": stream_url(session),
        "devices": sorted(d.device_id for d in session.devices.all()),
        "started_at": session.started_at,
        "ended_at": session.ended_at,
    }


@router.get("/live", response=list[LiveOut], summary="Live sessions, newest first")
def live_list(request: HttpRequest) -> Any:
    return [_out(s) for s in list_sessions(user=request.user).prefetch_related("devices")[:100]]


@router.post(
    "/live",
    response={201: LiveOut, 404: ErrorOut, 422: ErrorOut},
    summary="Start a live session (microphone or encoder) for a commune, residential units or a device group",
)
def live_create(request: HttpRequest, payload: LiveIn) -> Any:
    unit = AdministrativeUnit.objects.filter(code=payload.unit_code, is_current=True).first()
    if unit is None or not access.can(request.user, access.BROADCAST_OPERATE, unit=unit):
        raise Http404
    places = list(AdministrativeUnit.objects.filter(code__in=payload.residential_codes, is_current=True))
    if len(places) != len(set(payload.residential_codes)):
        raise ValidationError({"residential_codes": "Có mã thôn, tổ dân phố không tồn tại."})
    group = None
    if payload.group_id is not None:
        group = DeviceGroup.objects.filter(pk=payload.group_id).first()
        if group is None:
            raise ValidationError({"group_id": "Không có nhóm thiết bị này."})
    session = start_live(
        actor=request.user,
        unit=unit,
        title=payload.title,
        kind=payload.kind,
        residential_units=places or None,
        group=group,
    )
    return Status(201, _out(session))


@router.get("/live/{session_id}", response={200: LiveStateOut, 404: ErrorOut}, summary="One live session")
def live_detail(request: HttpRequest, session_id: int) -> Any:
    session = get_session(user=request.user, pk=session_id)
    return {**_out(session), "signal": has_signal(session)}


@router.post(
    "/live/{session_id}/on-air",
    response={200: LiveOut, 404: ErrorOut, 422: ErrorOut},
    summary="Switch the session's devices to its stream (signed live-start); refused while there is no sound",
)
def live_on_air(request: HttpRequest, session_id: int, payload: OnAirIn) -> Any:
    session = get_session(user=request.user, pk=session_id)
    return _out(go_on_air(actor=request.user, session=session, check_signal=not payload.force))


@router.post(
    "/live/{session_id}/end",
    response={200: LiveOut, 404: ErrorOut},
    summary="End the session: live-stop to its devices, which resume their schedule (idempotent)",
)
def live_end(request: HttpRequest, session_id: int) -> Any:
    return _out(end_live(actor=request.user, session=get_session(user=request.user, pk=session_id)))


@router.post(
    "/live/{session_id}/chunks/{seq}",
    response={200: ChunkOut, 404: ErrorOut, 422: ErrorOut},
    summary="One chunk (from 0, in order) of the browser microphone's WebM/Opus recording, as the raw body",
)
def live_chunk(request: HttpRequest, session_id: int, seq: int) -> Any:
    session = get_session(user=request.user, pk=session_id)
    stored = receive_chunk(actor=request.user, session=session, seq=seq, data=request.body)
    return {"seq": seq, "stored": stored}
