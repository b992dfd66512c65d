"""What people call: the registry with derived status, provisioning, and signed commands."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.devices.models import CommandRecord, Device
from nguon.devices.selectors import registry as selectors
from nguon.devices.selectors.status import device_status
from nguon.devices.services import commands, imports, provisioning, registry
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit
from nguon.units.residential_import import FileRejectedError

router = Router(tags=["devices"])


class StatusOut(Schema):
    connected: bool | None
    fresh: bool
    healthy: bool | None
    last_heartbeat_at: datetime | None
    reported_manifest_version: int | None
    current_manifest_version: int | None
    playing_item: str | None
    expected_item: str | None
    problems: list[str]


class DeviceOut(Schema):
    device_id: str
    kind: str
    serial: str
    vendor: str
    model: str
    name: str
    unit_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    installed_on: date | None
    connectivity: str
    protocol_level: int | None
    firmware: str
    status: StatusOut


class DeviceIn(Schema):
    kind: str
    serial: str
    unit_code: str
    vendor: str = ""
    model: str = ""
    name: str = ""
    residential_unit_code: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    installed_on: date | None = None
    connectivity: str = ""
    sim: str = ""
    panel: str = ""
    size_m2: Decimal | None = None
    resolution: str = ""


class CommandIn(Schema):
    type: str
    body: dict[str, Any] = Field(default_factory=dict)


class CommandOut(Schema):
    seq: int
    group: str = Field("", description="The command group of a group command (its seq counts per group)")
    type: str
    body: dict[str, Any]
    signed_at: datetime
    issued_by_label: str
    published_at: datetime | None
    accepted_at: datetime | None
    refused_at: datetime | None
    refusal_reason: str


def _out(device: Device) -> dict[str, Any]:
    return {
        "device_id": device.device_id,
        "kind": device.kind,
        "serial": device.serial,
        "vendor": device.vendor,
        "model": device.model,
        "name": device.name,
        "unit_code": device.unit.code,
        "latitude": device.latitude,
        "longitude": device.longitude,
        "installed_on": device.installed_on,
        "connectivity": device.connectivity,
        "protocol_level": device.protocol_level,
        "firmware": device.firmware,
        "status": device_status(device).__dict__,
    }


@router.get("/", response=list[DeviceOut], summary="Devices the caller may see, with their derived status")
def list_devices(request: HttpRequest) -> Any:
    return [_out(d) for d in selectors.list_devices(user=request.user)[:500]]


def _unit(code: str | None) -> AdministrativeUnit | None:
    """A current province or commune by its official code (residential codes are only local)."""
    if not code:
        return None
    levels = (UnitLevel.PROVINCE, UnitLevel.COMMUNE)
    return AdministrativeUnit.objects.filter(code=code, is_current=True, level__in=levels).first()


@router.post("/", response={201: DeviceOut, 404: ErrorOut, 422: ErrorOut}, summary="Register a device")
def register(request: HttpRequest, payload: DeviceIn) -> Any:
    unit = _unit(payload.unit_code)
    if unit is None:
        return Status(422, {"error": {"code": "invalid", "message": "Không có xã/phường với mã này."}})
    residential = None
    if payload.residential_unit_code:
        path = f"{unit.path}{payload.residential_unit_code.upper()}/"
        residential = AdministrativeUnit.objects.filter(path=path, level=UnitLevel.RESIDENTIAL).first()
        if residential is None:
            message = "Xã/phường không có thôn/tổ dân phố với mã này."
            return Status(422, {"error": {"code": "invalid", "message": message}})
    device = registry.register_device(
        actor=request.user,
        unit=unit,
        residential_unit=residential,
        **payload.model_dump(exclude={"unit_code", "residential_unit_code"}),
    )
    return Status(201, _out(device))


class FanOutIn(Schema):
    type: str
    body: dict[str, Any] = Field(default_factory=dict)
    unit_code: str | None = None
    device_ids: list[str] = Field(default_factory=list)


class FanOutOut(Schema):
    sent: int


@router.post(
    "/commands",
    response={201: FanOutOut, 404: ErrorOut, 422: ErrorOut},
    summary="The same signed command to many devices: every device of a unit (commune, province) or a list",
)
def command_fanout(request: HttpRequest, payload: FanOutIn) -> Any:
    devices = selectors.list_devices(user=request.user).filter(retired_on__isnull=True)
    if payload.unit_code:
        unit = _unit(payload.unit_code)
        if unit is None:
            raise Http404
        devices = devices.filter(unit__path__startswith=unit.path)
    if payload.device_ids:
        devices = devices.filter(device_id__in=payload.device_ids)
    if not payload.unit_code and not payload.device_ids:
        return Status(
            422, {"error": {"code": "invalid", "message": "Cần chọn đơn vị hoặc danh sách thiết bị."}}
        )
    records = commands.send_commands(
        actor=request.user, devices=devices, type=payload.type, body=payload.body
    )
    return Status(201, FanOutOut(sent=len(records)))


class ImportOut(Schema):
    created: int


@router.post(
    "/import",
    response={200: ImportOut, 422: ErrorOut},
    summary="Register devices from CSV/XLSX (docs/devices.md): every row or none, errors per row",
)
def import_file(request: HttpRequest, file: File[UploadedFile]) -> Any:
    try:
        result = imports.import_devices(actor=request.user, content=file.read())
    except FileRejectedError as error:
        return Status(422, {"error": {"code": "file_rejected", "message": str(error)}})
    if not result.ok:
        details = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        message = f"{len(result.errors)} lỗi; không dòng nào được nhập."
        return Status(422, {"error": {"code": "rows_invalid", "message": message, "details": details}})
    return ImportOut(created=result.created)


@router.get("/{device_id}", response={200: DeviceOut, 404: ErrorOut}, summary="One device and its status")
def detail(request: HttpRequest, device_id: str) -> Any:
    return _out(selectors.get_device(user=request.user, device_id=device_id))


@router.post(
    "/{device_id}/provision",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Issue new credentials; returns the one-time provisioning bundle (docs/protocol/bundle.json)",
)
def provision(request: HttpRequest, device_id: str) -> Any:
    device = selectors.get_device(user=request.user, device_id=device_id, action=access.DEVICES_MANAGE)
    return provisioning.provision_device(actor=request.user, device=device).to_dict()


@router.get(
    "/{device_id}/commands", response={200: list[CommandOut], 404: ErrorOut}, summary="Latest commands"
)
def command_list(request: HttpRequest, device_id: str) -> Any:
    device = selectors.get_device(user=request.user, device_id=device_id)
    return list(CommandRecord.objects.filter(device=device).order_by("-signed_at", "-seq")[:100])


@router.post(
    "/{device_id}/commands",
    response={201: CommandOut, 404: ErrorOut, 422: ErrorOut},
    summary="Sign and send a command (volume, power, reboot, stop, play-now, emergency-start/stop, time-sync)",
)
def command_send(request: HttpRequest, device_id: str, payload: CommandIn) -> Any:
    device = selectors.get_device(user=request.user, device_id=device_id)
    record = commands.send_command(actor=request.user, device=device, type=payload.type, body=payload.body)
    return Status(201, record)
