"""Alerts when a device is offline or unhealthy past a threshold: in-app notices and e-mail to the
people who look after the devices of its commune (``devices.view``). Run ``nguon devices alerts`` every
minute or so (cron, a systemd timer, or the ``check_device_alerts_task``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nguon.content.services.notifications import notify
from nguon.core import access
from nguon.devices.models import Device, DeviceAlert, DeviceState
from nguon.devices.selectors.status import FRESHNESS_GRACE, device_status

DEFAULT_THRESHOLD = timedelta(minutes=15)


@dataclass
class AlertSummary:
    opened: int = 0
    closed: int = 0
    pending: int = 0


def _offline(state: DeviceState | None, now: datetime) -> str | None:
    """Why the device counts as offline now, or None. A device that never reported is not alerted."""
    if state is None or state.last_heartbeat_at is None:
        return None
    interval = timedelta(seconds=settings.NGUON_DEVICE_HEARTBEAT_SECONDS)
    if now - state.last_heartbeat_at > interval + FRESHNESS_GRACE:
        return f"không có nhịp tim từ {timezone.localtime(state.last_heartbeat_at):%H:%M %d/%m/%Y}"
    return None


def _tell(device: Device, message: str) -> None:
    people = access.people_who_can(access.DEVICES_VIEW, unit=device.unit)
    notify(users=people, kind="devices.alert", message=message, url="")


def _conditions(device: Device, state: DeviceState | None, now: datetime) -> dict[str, str]:
    found: dict[str, str] = {}
    offline = _offline(state, now)
    if offline:
        found[DeviceAlert.OFFLINE] = offline
    elif state is not None and state.last_heartbeat_at is not None:
        status = device_status(device, now=now)
        if status.healthy is False:
            found[DeviceAlert.UNHEALTHY] = "; ".join(status.problems)[:500]
    return found


def _name(device: Device) -> str:
    return f"Thiết bị {device.name or device.serial} ({device.device_id})"


def _reconcile(
    *,
    device: Device,
    kind: str,
    detail: str | None,
    alert: DeviceAlert | None,
    now: datetime,
    threshold: timedelta,
    summary: AlertSummary,
) -> None:
    if detail is not None and alert is None:
        DeviceAlert.objects.create(device=device, kind=kind, detail=detail, noticed_at=now)
        summary.pending += 1
    elif detail is not None and alert is not None and alert.opened_at is None:
        if now - alert.noticed_at < threshold:
            summary.pending += 1
            return
        alert.opened_at, alert.detail = now, detail
        alert.save(update_fields=["opened_at", "detail"])
        label = "mất kết nối" if kind == DeviceAlert.OFFLINE else "không phát đúng lịch"
        _tell(device, f"{_name(device)} {label}: {detail}")
        summary.opened += 1
    elif detail is None and alert is not None:
        if alert.opened_at is None:
            alert.delete()  # a blip shorter than the threshold
            return
        alert.closed_at = now
        alert.save(update_fields=["closed_at"])
        _tell(device, f"{_name(device)} đã hoạt động bình thường trở lại.")
        summary.closed += 1


def check_alerts(*, now: datetime | None = None, threshold: timedelta = DEFAULT_THRESHOLD) -> AlertSummary:
    """Open, keep or close alerts for every device in service."""
    now = now or timezone.now()
    summary = AlertSummary()
    states = {s.device_id: s for s in DeviceState.objects.all()}
    live = {(a.device_id, a.kind): a for a in DeviceAlert.objects.filter(closed_at__isnull=True)}
    for device in Device.objects.filter(retired_on__isnull=True).select_related("unit"):
        found = _conditions(device, states.get(device.pk), now)
        with transaction.atomic():
            for kind in (DeviceAlert.OFFLINE, DeviceAlert.UNHEALTHY):
                _reconcile(
                    device=device,
                    kind=kind,
                    detail=found.get(kind),
                    alert=live.get((device.pk, kind)),
                    now=now,
                    threshold=threshold,
                    summary=summary,
                )
    return summary
