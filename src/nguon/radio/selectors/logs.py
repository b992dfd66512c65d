"""The broadcast log (sổ nhật ký phát thanh): what was planned versus what each device played, per
commune per local day.

*Planned* is read from the devices' manifests, not from the programmes: an item counts when it was in the
manifest version the device had at the item's start time (each version is in force from its creation
until the next one). *Played* is read from the devices' play receipts. So the log shows what the devices
were really told and what they really did; receipts with no planned item (play-now, emergency, live) are
listed as unplanned lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from nguon.devices.choices import DeviceKind, ReceiptResult
from nguon.devices.models import Device, DeviceManifest, PlayReceipt
from nguon.devices.protocol.timestamps import parse_ts
from nguon.units.models import AdministrativeUnit


class Outcome:
    """How one line of the log ended."""

    PLAYED = "played"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    MISSED = "missed"
    PENDING = "pending"  # planned later today, or planned but no receipt yet
    UNPLANNED = "unplanned"


OUTCOME_LABELS = {
    Outcome.PLAYED: "Đã phát",
    Outcome.INTERRUPTED: "Bị ngắt",
    Outcome.FAILED: "Lỗi",
    Outcome.MISSED: "Không phát",
    Outcome.PENDING: "Chưa đến giờ / chờ biên nhận",
    Outcome.UNPLANNED: "Phát ngoài lịch",
}
#: A planned item without a receipt this long after its latest start is counted as missed.
RECEIPT_GRACE = timedelta(minutes=15)


@dataclass
class LogLine:
    device_id: str
    device_name: str
    item_id: str
    title: str
    source: str
    planned_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str
    is_emergency: bool = False
    detail: str = ""

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def seconds(self) -> float:
        if self.started_at is None or self.ended_at is None:
            return 0.0
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


@dataclass
class DayLog:
    unit: AdministrativeUnit
    day: date
    lines: list[LogLine] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def planned(self) -> int:
        return sum(1 for line in self.lines if line.outcome != Outcome.UNPLANNED)

    @property
    def played(self) -> int:
        return self.count(Outcome.PLAYED)

    @property
    def missed(self) -> int:
        return self.count(Outcome.MISSED) + self.count(Outcome.FAILED)

    @property
    def emergencies(self) -> int:
        return sum(1 for line in self.lines if line.is_emergency)

    @property
    def minutes_on_air(self) -> float:
        return round(sum(line.seconds for line in self.lines) / 60, 1)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time(), tzinfo=zone)
    return start, start + timedelta(days=1)


def _planned(
    devices: list[Device], start: datetime, end: datetime
) -> dict[int, dict[str, dict[str, object]]]:
    """Per device pk: item id → the item as planned (the version in force at the item's start)."""
    versions: dict[int, list[DeviceManifest]] = defaultdict(list)
    for manifest in DeviceManifest.objects.filter(device__in=devices, created_at__lt=end).order_by(
        "device_id", "version"
    ):
        versions[manifest.device_id].append(manifest)
    planned: dict[int, dict[str, dict[str, object]]] = defaultdict(dict)
    for device_pk, chain in versions.items():
        for i, manifest in enumerate(chain):
            in_force_until = chain[i + 1].created_at if i + 1 < len(chain) else None
            for item in manifest.body.get("items", []):
                at = parse_ts(item["start"])
                if not start <= at < end or at < manifest.created_at:
                    continue
                if in_force_until is not None and at >= in_force_until:
                    continue
                planned[device_pk][item["id"]] = {**item, "_at": at}
    return planned


def _outcome(receipt: PlayReceipt | None, latest_start: datetime, now: datetime) -> str:
    if receipt is None:
        return Outcome.MISSED if now > latest_start + RECEIPT_GRACE else Outcome.PENDING
    return {
        ReceiptResult.PLAYED: Outcome.PLAYED,
        ReceiptResult.INTERRUPTED: Outcome.INTERRUPTED,
        ReceiptResult.FAILED: Outcome.FAILED,
    }.get(ReceiptResult(receipt.result), Outcome.MISSED)


def day_log(unit: AdministrativeUnit, day: date, *, now: datetime) -> DayLog:
    """The commune's log for one local day: every planned item of every speaker cluster and every
    receipt, sorted by time then device. Three queries whatever the number of devices."""
    start, end = day_bounds(day)
    devices = list(
        Device.objects.filter(unit__path__startswith=unit.path, kind=DeviceKind.SPEAKER_CLUSTER).order_by(
            "name", "device_id"
        )
    )
    planned = _planned(devices, start, end)
    receipts: dict[tuple[int, str], PlayReceipt] = {}
    extra: list[PlayReceipt] = []
    for receipt in (
        PlayReceipt.objects.filter(device__in=devices)
        .filter(started_at__gte=start - timedelta(hours=2), started_at__lt=end)
        .order_by("started_at")
    ):
        if receipt.item_id in planned.get(receipt.device_id, {}):
            receipts.setdefault((receipt.device_id, receipt.item_id), receipt)
        elif receipt.started_at is not None and receipt.started_at >= start:
            extra.append(receipt)
    log = DayLog(unit=unit, day=day)
    by_pk = {d.pk: d for d in devices}
    for device in devices:
        for item_id, item in planned.get(device.pk, {}).items():
            found = receipts.get((device.pk, item_id))
            at = item["_at"]
            assert isinstance(at, datetime)
            until = (
                parse_ts(str(item["start_until"])) if item.get("start_until") else at + timedelta(minutes=5)
            )
            source = item.get("source")
            log.lines.append(
                LogLine(
                    device_id=device.device_id,
                    device_name=device.name or device.serial,
                    item_id=item_id,
                    title=str(item.get("title") or item_id),
                    source=str(source.get("type", "")) if isinstance(source, dict) else "",
                    planned_at=at,
                    started_at=found.started_at if found else None,
                    ended_at=found.ended_at if found else None,
                    outcome=_outcome(found, until, now),
                    detail=found.detail if found else "",
                )
            )
    for receipt in extra:
        device = by_pk[receipt.device_id]
        log.lines.append(
            LogLine(
                device_id=device.device_id,
                device_name=device.name or device.serial,
                item_id=receipt.item_id,
                title=receipt.item_id,
                source="emergency" if receipt.is_emergency else "unplanned",
                planned_at=None,
                started_at=receipt.started_at,
                ended_at=receipt.ended_at,
                outcome=Outcome.UNPLANNED,
                is_emergency=receipt.is_emergency,
                detail=receipt.detail,
            )
        )
    log.lines.sort(key=lambda line: (line.planned_at or line.started_at or start, line.device_name))
    return log
