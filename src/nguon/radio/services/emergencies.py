"""Emergency orders (TT39 phát khẩn cấp): request with a fresh TOTP code, second approval when the issuer
unit's policy asks for it, on air on every speaker cluster of the targeted units, stop.

Going on air is one :class:`nguon.devices.models.EmergencyBroadcast` over exactly the targeted clusters
(signed ``emergency-start`` commands; manifests carry it, so a device that was offline joins when it
reconnects). The e-boards of the targeted units show a banner meanwhile (``boards.services.banner``).
Stopping it sends ``emergency-stop`` and the devices resume their schedule. A CAP 1.2 Alert
is published when an order goes on air and a Cancel when it stops (``services/cap.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.content.models import Bulletin, MediaBlob
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device
from nguon.devices.selectors.registry import devices_of_units
from nguon.devices.services.emergencies import start_emergency_on, stop_emergency
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import BroadcastSettings, EmergencyOrder
from nguon.units.models import AdministrativeUnit

log = logging.getLogger(__name__)

_FIELDS = (
    "title",
    "status",
    "repeat",
    "requested_by",
    "requested_at",
    "approved_by",
    "approved_at",
    "stopped_by",
    "stopped_at",
    "reason",
    "broadcast",
)
MAX_REPEAT = 100
WRONG_CODE = "Mã xác thực không đúng."


# -- targets --------------------------------------------------------------------------------------------
def target_devices(units: Iterable[AdministrativeUnit]) -> list[Device]:
    """The speaker clusters (not e-boards, not retired) of ``units``: every cluster of a commune (or of
    the province, or of a historical district), the clusters placed in a residential unit."""
    return devices_of_units(units, kind=DeviceKind.SPEAKER_CLUSTER)


def clean_targets(
    *, issuer_unit: AdministrativeUnit, units: Sequence[AdministrativeUnit]
) -> list[AdministrativeUnit]:
    """Check the target units (without writing): at least one, current, and each under the issuer unit
    (the province may target any commune or residential unit of it; a commune only its own)."""
    targets = list({u.pk: u for u in units}.values())
    if not targets:
        raise ValidationError({"units": "Chọn ít nhất một địa bàn để phát khẩn cấp."})
    for unit in targets:
        if not unit.is_current:
            raise ValidationError({"units": f"{unit.full_name} không còn hiệu lực."})
        if not unit.path.startswith(issuer_unit.path):
            raise ValidationError(
                {"units": f"{unit.full_name} không thuộc địa bàn của {issuer_unit.full_name}."}
            )
    return targets


def _validate(
    *,
    actor: Any,
    issuer_unit: AdministrativeUnit,
    units: Sequence[AdministrativeUnit],
    blob: MediaBlob,
    title: str,
    repeat: int,
) -> tuple[list[AdministrativeUnit], list[Device], str]:
    access.require(actor, access.BROADCAST_EMERGENCY, unit=issuer_unit)
    clean_title = nfc(title).strip()
    if not clean_title:
        raise ValidationError({"title": "Nhập tiêu đề của lệnh phát khẩn cấp."})
    if len(clean_title) > 300:
        raise ValidationError({"title": "Tiêu đề dài quá 300 ký tự."})
    if not 1 <= repeat <= MAX_REPEAT:
        raise ValidationError({"repeat": f"Số lần phát phải từ 1 đến {MAX_REPEAT}."})
    if blob.kind != "audio":
        raise ValidationError({"blob": "Phát khẩn cấp cần một tệp âm thanh."})
    targets = clean_targets(issuer_unit=issuer_unit, units=units)
    devices = target_devices(targets)
    if not devices:
        raise ValidationError({"units": "Địa bàn đã chọn không có cụm loa nào đang hoạt động."})
    return targets, devices, clean_title


def _check_totp(*, actor: Any, order_label: str, unit: AdministrativeUnit, totp_code: str) -> None:
    """A fresh TOTP code, even in a verified session; a wrong one is audited (in its own transaction,
    so the record survives the refusal) and refused."""
    from nguon.accounts.services import verify_totp

    user = actor if getattr(actor, "pk", None) is not None else None
    if user is not None and verify_totp(user=user, code=str(totp_code or "")):
        return
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="radio.emergency.totp_failed",
            unit=unit,
            target_label=order_label[:200],
        )
    raise ValidationError({"totp_code": WRONG_CODE})


def needs_second_approver(unit: AdministrativeUnit) -> bool:
    """The issuer unit's policy: does an emergency need a second person to approve it?"""
    return bool(
        BroadcastSettings.objects.filter(unit=unit)
        .values_list("emergency_second_approver", flat=True)
        .first()
    )


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _create(
    *,
    actor: Any,
    issuer_unit: AdministrativeUnit,
    targets: list[AdministrativeUnit],
    blob: MediaBlob,
    title: str,
    message: str,
    repeat: int,
    bulletin: Bulletin | None,
    cap_source: dict[str, Any] | None,
) -> EmergencyOrder:
    order = EmergencyOrder.objects.create(
        issuer_unit=issuer_unit,
        title=title,
        message=nfc(message).strip(),
        bulletin=bulletin,
        blob=blob,
        repeat=repeat,
        status=EmergencyStatus.AWAITING_APPROVAL,
        requested_by=_user_or_none(actor),
        requested_at=timezone.now(),
        cap_source=cap_source,
    )
    order.units.set(targets)
    audit.record(
        actor=actor,
        action="radio.emergency.request",
        target=order,
        unit=issuer_unit,
        after={
            **audit.snapshot(order, _FIELDS),
            "units": [u.code for u in targets],
            "media": blob.sha256,
            "cap": bool(cap_source),
        },
    )
    return order


# -- requests -------------------------------------------------------------------------------------------
def request_emergency(
    *,
    actor: Any,
    issuer_unit: AdministrativeUnit,
    units: Sequence[AdministrativeUnit],
    blob: MediaBlob,
    title: str,
    message: str = "",
    repeat: int = 1,
    totp_code: str,
    bulletin: Bulletin | None = None,
) -> EmergencyOrder:
    """Order an emergency broadcast. Needs a fresh TOTP code; on air at once unless the issuer unit's
    policy asks for a second approver (then it waits for :func:`approve_emergency`)."""
    targets, devices, clean_title = _validate(
        actor=actor, issuer_unit=issuer_unit, units=units, blob=blob, title=title, repeat=repeat
    )
    _check_totp(actor=actor, order_label=clean_title, unit=issuer_unit, totp_code=totp_code)
    with transaction.atomic():
        order = _create(
            actor=actor,
            issuer_unit=issuer_unit,
            targets=targets,
            blob=blob,
            title=clean_title,
            message=message,
            repeat=repeat,
            bulletin=bulletin,
            cap_source=None,
        )
        if not needs_second_approver(issuer_unit):
            _approve(actor=actor, order=order)
            _go_on_air(actor=actor, order=order, devices=devices)
    return order


def prepare_emergency(
    *,
    actor: Any,
    issuer_unit: AdministrativeUnit,
    units: Sequence[AdministrativeUnit],
    blob: MediaBlob,
    title: str,
    message: str = "",
    cap_source: dict[str, Any] | None = None,
) -> EmergencyOrder:
    """An order waiting for a TOTP-confirmed approver (CAP imports: ``actor`` may be a SystemActor)."""
    targets, _devices, clean_title = _validate(
        actor=actor, issuer_unit=issuer_unit, units=units, blob=blob, title=title, repeat=1
    )
    with transaction.atomic():
        return _create(
            actor=actor,
            issuer_unit=issuer_unit,
            targets=targets,
            blob=blob,
            title=clean_title,
            message=message,
            repeat=1,
            bulletin=None,
            cap_source=cap_source,
        )


# -- decisions ------------------------------------------------------------------------------------------
def _locked(order: EmergencyOrder) -> EmergencyOrder:
    return EmergencyOrder.objects.select_for_update().select_related("issuer_unit", "blob").get(pk=order.pk)


def _approve(*, actor: Any, order: EmergencyOrder) -> None:
    before = audit.snapshot(order, _FIELDS)
    order.approved_by = _user_or_none(actor)
    order.approved_at = timezone.now()
    order.save(update_fields=["approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action="radio.emergency.approve",
        target=order,
        unit=order.issuer_unit,
        before=before,
        after=audit.snapshot(order, _FIELDS),
    )


def _go_on_air(*, actor: Any, order: EmergencyOrder, devices: list[Device]) -> None:
    before = audit.snapshot(order, _FIELDS)
    broadcast = start_emergency_on(
        actor=actor,
        unit=order.issuer_unit,
        devices=devices,
        blob=order.blob,
        title=order.title,
        repeat=order.repeat,
    )
    order.broadcast = broadcast
    order.status = EmergencyStatus.ON_AIR
    order.save(update_fields=["broadcast", "status"])
    _board_banner("start", order, actor=actor)
    audit.record(
        actor=actor,
        action="radio.emergency.on_air",
        target=order,
        unit=order.issuer_unit,
        before=before,
        after={**audit.snapshot(order, _FIELDS), "devices": len(devices)},
    )
    _publish_cap("publish_alert", order, actor=actor)


def _banner_body(order: EmergencyOrder) -> str:
    if order.message:
        return order.message
    return order.bulletin.summary if order.bulletin is not None else ""


def _board_banner(step: str, order: EmergencyOrder, *, actor: Any) -> None:
    """Show (``start``) or remove (``stop``) the order's banner on the e-boards of its units, in the
    order's transaction; a failure there must never hold back (or undo) the loudspeakers."""
    from nguon.boards.services import banner

    if order.broadcast is None:
        return
    try:
        with transaction.atomic():
            if step == "start":
                banner.start_banner(
                    actor=actor,
                    source=order.broadcast,
                    units=list(order.units.all()),
                    heading=order.title,
                    body=_banner_body(order),
                )
            else:
                banner.stop_banner(actor=actor, source=order.broadcast)
    except Exception:  # the boards are secondary to the loudspeakers
        log.exception("radio: e-board banner %s failed for emergency order %s", step, order.pk)


def _publish_cap(name: str, order: EmergencyOrder, *, actor: Any) -> None:
    """Publish the CAP message; a failure there must never hold back (or undo) the broadcast itself."""
    from nguon.radio.services import cap

    try:
        with transaction.atomic():
            getattr(cap, name)(order, actor=actor)
    except Exception:  # the CAP feed is secondary to the loudspeakers
        log.exception("radio: CAP %s failed for emergency order %s", name, order.pk)


def approve_emergency(*, actor: Any, order: EmergencyOrder, totp_code: str) -> EmergencyOrder:
    """Approve an order that waits for it (fresh TOTP code; a second person when the policy needs two)
    and put it on air."""
    access.require(actor, access.BROADCAST_EMERGENCY, unit=order.issuer_unit)
    if order.status != EmergencyStatus.AWAITING_APPROVAL:
        raise ValidationError({"status": "Lệnh này không còn chờ phê duyệt."})
    if (
        order.requested_by_id is not None
        and order.requested_by_id == getattr(actor, "pk", None)
        and needs_second_approver(order.issuer_unit)
    ):
        raise ValidationError({"approver": "Người phê duyệt phải khác người đã yêu cầu phát khẩn cấp."})
    devices = target_devices(order.units.all())
    if not devices:
        raise ValidationError({"units": "Địa bàn đã chọn không có cụm loa nào đang hoạt động."})
    _check_totp(actor=actor, order_label=order.title, unit=order.issuer_unit, totp_code=totp_code)
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != EmergencyStatus.AWAITING_APPROVAL:
            raise ValidationError({"status": "Lệnh này không còn chờ phê duyệt."})
        _approve(actor=actor, order=locked)
        _go_on_air(actor=actor, order=locked, devices=devices)
    return locked


def reject_emergency(*, actor: Any, order: EmergencyOrder, reason: str) -> EmergencyOrder:
    """Refuse an order that waits for approval; the reason is kept."""
    access.require(actor, access.BROADCAST_EMERGENCY, unit=order.issuer_unit)
    clean_reason = nfc(reason).strip()
    if not clean_reason:
        raise ValidationError({"reason": "Nhập lý do từ chối."})
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != EmergencyStatus.AWAITING_APPROVAL:
            raise ValidationError({"status": "Lệnh này không còn chờ phê duyệt."})
        before = audit.snapshot(locked, _FIELDS)
        locked.status = EmergencyStatus.REJECTED
        locked.reason = clean_reason
        locked.stopped_by = _user_or_none(actor)
        locked.stopped_at = timezone.now()
        locked.save(update_fields=["status", "reason", "stopped_by", "stopped_at"])
        audit.record(
            actor=actor,
            action="radio.emergency.reject",
            target=locked,
            unit=locked.issuer_unit,
            before=before,
            after=audit.snapshot(locked, _FIELDS),
        )
    return locked


def stop_order(*, actor: Any, order: EmergencyOrder) -> EmergencyOrder:
    """Stop an order: off the air everywhere (devices resume their schedule) and a CAP Cancel; an order
    still waiting for approval is withdrawn. Stopping a stopped or rejected order changes nothing."""
    access.require(actor, access.BROADCAST_EMERGENCY, unit=order.issuer_unit)
    with transaction.atomic():
        locked = _locked(order)
        if locked.status in (EmergencyStatus.STOPPED, EmergencyStatus.REJECTED):
            return locked
        was_on_air = locked.status == EmergencyStatus.ON_AIR
        before = audit.snapshot(locked, _FIELDS)
        if locked.broadcast is not None:
            locked.broadcast = stop_emergency(actor=actor, broadcast=locked.broadcast)
            _board_banner("stop", locked, actor=actor)
        locked.status = EmergencyStatus.STOPPED
        locked.stopped_by = _user_or_none(actor)
        locked.stopped_at = timezone.now()
        locked.save(update_fields=["status", "stopped_by", "stopped_at"])
        audit.record(
            actor=actor,
            action="radio.emergency.stop",
            target=locked,
            unit=locked.issuer_unit,
            before=before,
            after=audit.snapshot(locked, _FIELDS),
        )
        if was_on_air:
            _publish_cap("publish_cancel", locked, actor=actor)
    return locked
