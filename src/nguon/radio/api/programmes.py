"""API of radio programmes: a commune's programmes (list, create, read, change), its schedule of occurrences
between two dates, and one occurrence's change (customise, cancel, restore). Errors use the project's JSON
shape; a commune, programme or occurrence the caller may not see is a 404."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from nguon.core.schemas import ErrorOut
from nguon.radio.choices import TargetKind
from nguon.radio.models import Occurrence, Programme, RunningOrderItem
from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import (
    ItemInput,
    ProgrammeInput,
    customise_occurrence,
    save_programme,
    set_cancelled,
)
from nguon.radio.services.settings import local_day

router = Router()

_RANGE_ERROR = f"Khoảng ngày phải từ 1 đến {selectors.MAX_RANGE_DAYS} ngày, ngày đầu trước ngày cuối."


class ItemIn(Schema):
    kind: str
    title: str = ""
    bulletin_id: int | None = None
    blob_sha256: str = Field("", description="A stored audio file (MediaBlob) for audio and jingle lines.")
    stream_url: str = ""
    duration_seconds: int | None = Field(None, description="For relay and silence lines.")


class ItemOut(Schema):
    position: int
    kind: str
    title: str
    bulletin_id: int | None
    blob_sha256: str | None
    stream_url: str
    duration_seconds: int | None


class ProgrammeIn(Schema):
    title: str
    description: str = ""
    starts_on: date
    ends_on: date | None = None
    start_time: time = Field(description="Local time (Asia/Ho_Chi_Minh).")
    duration_minutes: int
    rrule: str = Field("", description="RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO,WE.")
    rdates: list[date] = Field(default_factory=list)
    exdates: list[date] = Field(default_factory=list)
    target_kind: str = TargetKind.COMMUNE
    residential_codes: list[str] = Field(default_factory=list)
    group_ids: list[int] = Field(default_factory=list)
    volume: int | None = None
    is_active: bool = True
    items: list[ItemIn] = Field(default_factory=list)


class ProgrammeCreateIn(ProgrammeIn):
    unit_code: str = Field(description="Official code of the commune.")


class ProgrammeOut(Schema):
    id: int
    unit_code: str
    title: str
    description: str
    rrule: str
    rdates: list[date]
    exdates: list[date]
    starts_on: date
    ends_on: date | None
    start_time: time
    duration_minutes: int
    target_kind: str
    residential_codes: list[str]
    group_ids: list[int]
    volume: int | None
    is_active: bool
    items: list[ItemOut]


class OccurrenceOut(Schema):
    id: int
    programme_id: int
    programme_title: str
    date: date
    starts_at: datetime
    ends_at: datetime
    status: str
    is_customised: bool
    note: str
    target: str
    items: list[ItemOut]


class OccurrenceIn(Schema):
    action: Literal["customise", "cancel", "restore"]
    start_time: time | None = None
    duration_minutes: int | None = None
    items: list[ItemIn] | None = Field(None, description="The day's own running order (customise).")
    note: str = ""


class ScheduleQuery(Schema):
    unit: str = Field(description="Official code of the commune.")
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")


class ProgrammeQuery(Schema):
    unit: str | None = None


def _item(item: RunningOrderItem) -> dict[str, Any]:
    return {
        "position": item.position,
        "kind": item.kind,
        "title": item.title,
        "bulletin_id": item.bulletin_id,
        "blob_sha256": item.blob.sha256 if item.blob is not None else None,
        "stream_url": item.stream_url,
        "duration_seconds": item.duration_seconds,
    }


def _programme(p: Programme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "unit_code": p.unit.code,
        "title": p.title,
        "description": p.description,
        "rrule": p.rrule,
        "rdates": p.rdates,
        "exdates": p.exdates,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "start_time": p.start_time,
        "duration_minutes": p.duration_minutes,
        "target_kind": p.target_kind,
        "residential_codes": [u.code for u in p.residential_units.all()],
        "group_ids": [g.pk for g in p.device_groups.all()],
        "volume": p.volume,
        "is_active": p.is_active,
        "items": [_item(i) for i in p.items.all()],
    }


def _occurrence(o: Occurrence) -> dict[str, Any]:
    return {
        "id": o.pk,
        "programme_id": o.programme_id,
        "programme_title": o.programme.title,
        "date": o.date,
        "starts_at": o.starts_at,
        "ends_at": o.ends_at,
        "status": o.status,
        "is_customised": o.is_customised,
        "note": o.note,
        "target": selectors.target_label(o.programme),
        "items": [_item(i) for i in selectors.running_order(o)],
    }


def _items(items: list[ItemIn]) -> list[ItemInput]:
    return [ItemInput(**i.model_dump()) for i in items]


def _input(payload: ProgrammeIn) -> ProgrammeInput:
    data = payload.model_dump(exclude={"items", "unit_code"})
    return ProgrammeInput(**data, items=_items(payload.items))


def _visible_programmes(request: HttpRequest, unit_code: str | None) -> QuerySet[Programme]:
    if unit_code:
        return selectors.list_programmes(unit=selectors.get_station(user=request.user, code=unit_code))
    return selectors.list_visible_programmes(user=request.user)


@router.get("/programmes", response={200: list[ProgrammeOut], 404: ErrorOut}, summary="Radio programmes")
def list_programmes(request: HttpRequest, filters: Query[ProgrammeQuery]) -> Any:
    return [_programme(p) for p in _visible_programmes(request, filters.unit)[:500]]


@router.post(
    "/programmes",
    response={201: ProgrammeOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a programme: checked for quiet hours, clashes and its running order; all or nothing",
)
def create_programme(request: HttpRequest, payload: ProgrammeCreateIn) -> Any:
    unit = selectors.get_station(user=request.user, code=payload.unit_code, action=selectors.WRITE)
    saved = save_programme(actor=request.user, unit=unit, data=_input(payload))
    return Status(201, _programme(selectors.get_programme(user=request.user, pk=saved.pk)))


@router.get(
    "/programmes/{programme_id}", response={200: ProgrammeOut, 404: ErrorOut}, summary="One programme"
)
def programme_detail(request: HttpRequest, programme_id: int) -> Any:
    return _programme(selectors.get_programme(user=request.user, pk=programme_id))


@router.put(
    "/programmes/{programme_id}",
    response={200: ProgrammeOut, 404: ErrorOut, 422: ErrorOut},
    summary="Replace a programme (its future occurrences follow; customised days are kept)",
)
def programme_update(request: HttpRequest, programme_id: int, payload: ProgrammeIn) -> Any:
    programme = selectors.get_programme(user=request.user, pk=programme_id, action=selectors.WRITE)
    save_programme(actor=request.user, unit=programme.unit, programme=programme, data=_input(payload))
    return _programme(selectors.get_programme(user=request.user, pk=programme_id))


@router.get(
    "/schedule",
    response={200: list[OccurrenceOut], 404: ErrorOut, 422: ErrorOut},
    summary="A commune's occurrences on local dates from..to (default: the next 7 days; at most 62 days)",
)
def schedule(request: HttpRequest, filters: Query[ScheduleQuery]) -> Any:
    unit = selectors.get_station(user=request.user, code=filters.unit)
    first = filters.date_from or local_day()
    last = filters.date_to or first + timedelta(days=6)
    if last < first or (last - first).days >= selectors.MAX_RANGE_DAYS:
        return Status(422, {"error": {"code": "invalid", "message": _RANGE_ERROR}})
    return [_occurrence(o) for o in selectors.list_occurrences(unit=unit, first=first, last=last)]


@router.post(
    "/occurrences/{occurrence_id}",
    response={200: OccurrenceOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change one day: customise (time, length, running order), cancel or restore, with a note",
)
def occurrence_change(request: HttpRequest, occurrence_id: int, payload: OccurrenceIn) -> Any:
    occurrence = selectors.get_occurrence(user=request.user, pk=occurrence_id, action=selectors.WRITE)
    if payload.action == "customise":
        customise_occurrence(
            actor=request.user,
            occurrence=occurrence,
            items=_items(payload.items) if payload.items is not None else None,
            start_time=payload.start_time,
            duration_minutes=payload.duration_minutes,
            note=payload.note,
        )
    else:
        set_cancelled(
            actor=request.user, occurrence=occurrence, cancelled=payload.action == "cancel", note=payload.note
        )
    return _occurrence(selectors.get_occurrence(user=request.user, pk=occurrence_id))
