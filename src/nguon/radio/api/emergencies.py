"""API of radio emergencies (orders to any set of units, TOTP-confirmed) and play-now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.devices.models import DeviceGroup
from nguon.radio.models import EmergencyOrder
from nguon.radio.selectors.emergencies import get_audio, get_order, list_orders
from nguon.radio.selectors.progress import order_progress, playnow_progress
from nguon.radio.services.emergencies import (
    approve_emergency,
    reject_emergency,
    request_emergency,
    stop_order,
)
from nguon.radio.services.playnow import play_now
from nguon.units.models import AdministrativeUnit

router = Router(tags=["radio"])


class EmergencyIn(Schema):
    issuer_code: str
    unit_codes: list[str]
    media_sha256: str
    title: str
    message: str = ""
    repeat: int = 1
    totp_code: str


class TotpIn(Schema):
    totp_code: str


class RejectIn(Schema):
    reason: str


class OrderOut(Schema):
    id: int
    issuer_code: str
    title: str
    message: str
    status: str
    repeat: int
    unit_codes: list[str]
    media_sha256: str
    requested_by: str | None
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    stopped_by: str | None
    stopped_at: datetime | None
    reason: str
    devices: int
    from_cap: bool


class PlayNowIn(Schema):
    unit_code: str
    media_sha256: str
    title: str
    residential_codes: list[str] = Field(default_factory=list)
    group_id: int | None = None


class PlayNowOut(Schema):
    batch: str
    devices: list[str]


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _out(order: EmergencyOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "issuer_code": order.issuer_unit.code,
        "title": order.title,
        "message": order.message,
        "status": order.status,
        "repeat": order.repeat,
        "unit_codes": [u.code for u in order.units.order_by("path")],
        "media_sha256": order.blob.sha256,
        "requested_by": _name(order.requested_by),
        "requested_at": order.requested_at,
        "approved_by": _name(order.approved_by),
        "approved_at": order.approved_at,
        "stopped_by": _name(order.stopped_by),
        "stopped_at": order.stopped_at,
        "reason": order.reason,
        "devices": order.broadcast.devices.count() if order.broadcast is not None else 0,
        "from_cap": order.cap_source is not None,
    }


def _unit(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code, is_current=True).first()
    if unit is None:
        raise ValidationError({"units": f"Không có đơn vị hành chính mã {code}."})
    return unit


def _audio(request: HttpRequest, sha256: str) -> Any:
    blob = get_audio(user=request.user, sha256=sha256)
    if blob is None:
        raise ValidationError({"media_sha256": "Không có tệp âm thanh với mã băm này mà bạn được dùng."})
    return blob


@router.get("/emergencies", response=list[OrderOut], summary="Emergency orders, newest first")
def order_list(request: HttpRequest) -> Any:
    orders = list_orders(user=request.user).select_related("broadcast").prefetch_related("units")[:100]
    return [_out(o) for o in orders]


@router.post(
    "/emergencies",
    response={201: OrderOut, 404: ErrorOut, 422: ErrorOut},
    summary="Order an emergency broadcast to communes or residential units (needs a fresh TOTP code); "
    "on air at once unless a second approver is required",
)
def order_create(request: HttpRequest, payload: EmergencyIn) -> Any:
    issuer = AdministrativeUnit.objects.filter(code=payload.issuer_code, is_current=True).first()
    if issuer is None:
        raise Http404
    access.require(request.user, access.BROADCAST_EMERGENCY, unit=issuer)
    order = request_emergency(
        actor=request.user,
        issuer_unit=issuer,
        units=[_unit(code) for code in payload.unit_codes],
        blob=_audio(request, payload.media_sha256),
        title=payload.title,
        message=payload.message,
        repeat=payload.repeat,
        totp_code=payload.totp_code,
    )
    return Status(201, _out(order))


@router.get("/emergencies/{order_id}", response={200: OrderOut, 404: ErrorOut}, summary="One emergency order")
def order_detail(request: HttpRequest, order_id: int) -> Any:
    return _out(get_order(user=request.user, pk=order_id))


@router.get(
    "/emergencies/{order_id}/progress",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Per device: command published → acknowledged → started → finished, with counts",
)
def order_progress_view(request: HttpRequest, order_id: int) -> Any:
    order = get_order(user=request.user, pk=order_id)
    return {"order": order.pk, "status": order.status, **order_progress(order).as_dict()}


@router.post(
    "/emergencies/{order_id}/approve",
    response={200: OrderOut, 404: ErrorOut, 422: ErrorOut},
    summary="Approve (second approver, fresh TOTP code) and put on air",
)
def order_approve(request: HttpRequest, order_id: int, payload: TotpIn) -> Any:
    order = get_order(user=request.user, pk=order_id)
    return _out(approve_emergency(actor=request.user, order=order, totp_code=payload.totp_code))


@router.post(
    "/emergencies/{order_id}/reject",
    response={200: OrderOut, 404: ErrorOut, 422: ErrorOut},
    summary="Refuse an order waiting for approval",
)
def order_reject(request: HttpRequest, order_id: int, payload: RejectIn) -> Any:
    order = get_order(user=request.user, pk=order_id)
    return _out(reject_emergency(actor=request.user, order=order, reason=payload.reason))


@router.post(
    "/emergencies/{order_id}/stop",
    response={200: OrderOut, 404: ErrorOut},
    summary="Stop an order everywhere; devices resume their schedule (idempotent)",
)
def order_stop(request: HttpRequest, order_id: int) -> Any:
    order = get_order(user=request.user, pk=order_id)
    return _out(stop_order(actor=request.user, order=order))


@router.post(
    "/play-now",
    response={201: PlayNowOut, 404: ErrorOut, 422: ErrorOut},
    summary="Play an audio file at once on a commune's clusters, some residential units or a device group",
)
def play_now_create(request: HttpRequest, payload: PlayNowIn) -> Any:
    unit = AdministrativeUnit.objects.filter(code=payload.unit_code, is_current=True).first()
    if unit is None:
        raise Http404
    access.require(request.user, access.BROADCAST_OPERATE, unit=unit)
    group = None
    if payload.group_id is not None:
        group = access.get_scoped_or_404(
            request.user,
            DeviceGroup.objects.select_related("unit"),
            access.BROADCAST_OPERATE,
            pk=payload.group_id,
        )
    records = play_now(
        actor=request.user,
        unit=unit,
        blob=_audio(request, payload.media_sha256),
        title=payload.title,
        residential_units=[_unit(code) for code in payload.residential_codes] or None,
        group=group,
    )
    batch = records[0].body["item"]["id"] if records else ""
    return Status(201, {"batch": batch, "devices": [r.device.device_id for r in records]})


@router.get(
    "/play-now/{batch}/progress",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Per device progress of one play-now",
)
def play_now_progress(request: HttpRequest, batch: str) -> Any:
    progress = playnow_progress(user=request.user, batch=batch)
    if not progress.devices:
        raise Http404
    return progress.as_dict()
