"""The four datasets of the upward contract: what each item says, and which items are pending after a
cursor (``models.SyncCursor``).

* ``inventory`` — commune radio stations and devices, ordered by (changed at, id). A device changes when
  it is registered, when its broker session goes up or down, and when a ``devices.device.*`` action is
  audited on it; a station when it is created or saved. ``last_seen_at`` is sent with each change but a
  new heartbeat alone is not a change.
* ``bulletins`` — distributed and withdrawn bulletins, ordered by (``updated_at``, id).
* ``broadcasts`` — plays and seconds per commune per local day, from the ``DailyPlays`` rollup; a day
  rebuilt by the rollup gets new row ids, and its communes are sent again when their figures changed.
* ``statistics`` — the indicator table (``reports.selectors.tables.table``) of the current and the
  previous reporting period, per commune and for the province; an item is sent when its figures differ
  from what the central system acknowledged.

Rows changed in the last ``settle`` seconds wait for the next push, so a transaction that committed late
with an earlier timestamp is not skipped by the watermark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Collate, Concat, Greatest

from nguon.centralsync.choices import Dataset
from nguon.centralsync.contract import Item, iso, number
from nguon.centralsync.models import SyncCursor
from nguon.content.choices import Status
from nguon.content.models import Bulletin
from nguon.core.models import AuditEvent
from nguon.devices.models import Device, RadioStation
from nguon.reports.models import DailyPlays
from nguon.reports.periods import LOCAL, Period, parse
from nguon.reports.periods import current as current_period
from nguon.reports.selectors.tables import table
from nguon.reports.services import rollup
from nguon.units.models import AdministrativeUnit

#: Rows changed this recently wait for the next push (see the module docstring).
SETTLE = timedelta(seconds=60)
PUBLISHED = (Status.DISTRIBUTED, Status.WITHDRAWN)


class Source(Protocol):
    """One dataset as the push sees it."""

    def pending(self, cursor: SyncCursor, *, limit: int) -> list[Item]: ...

    def count_pending(self, cursor: SyncCursor) -> int: ...

    def start(self, cursor: SyncCursor) -> str: ...

    def advance(self, cursor: SyncCursor, items: list[Item]) -> None: ...


# -- watermark datasets ----------------------------------------------------------------------------------


def _after(queryset: QuerySet[Any], cursor: SyncCursor, *, at: str, key: str) -> QuerySet[Any]:
    if cursor.watermark_at is None:
        return queryset
    return queryset.filter(
        Q(**{f"{at}__gt": cursor.watermark_at})
        | Q(**{at: cursor.watermark_at, f"{key}__gt": cursor.watermark_id})
    )


def _advance_watermark(cursor: SyncCursor, items: list[Item]) -> None:
    at, key = items[-1].position
    if cursor.watermark_at is None or (at, key) > (cursor.watermark_at, cursor.watermark_id):
        cursor.watermark_at, cursor.watermark_id = at, key


def _start_of_watermark(cursor: SyncCursor) -> str:
    return f"{iso(cursor.watermark_at) or ''}|{cursor.watermark_id}"


def _bytewise(expression: Any) -> Collate:
    """Compare ids byte-wise (as Python compares ASCII strings), whatever the database's collation."""
    return Collate(expression, "BINARY" if connection.vendor == "sqlite" else "C")


def _latest(first: str, *others: Any) -> Greatest:
    """The latest of several times; NULLs count as ``first`` (SQLite's GREATEST is NULL if any is)."""
    return Greatest(F(first), *(Coalesce(other, F(first)) for other in others))


def _last_audited(model_label: str, prefix: str) -> Subquery:
    return Subquery(
        AuditEvent.objects.filter(
            target_type=model_label,
            target_id=Cast(OuterRef("pk"), output_field=CharField()),
            action__startswith=prefix,
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


@dataclass
class Inventory:
    """Stations and devices by commune (ids ``station:<commune code>`` and ``device:<device id>``)."""

    now: datetime
    settle: timedelta = SETTLE

    def _devices(self) -> QuerySet[Device]:
        return Device.objects.annotate(
            changed_at=_latest(
                "created_at",
                F("state__online_changed_at"),
                _last_audited("devices.device", "devices.device."),
            ),
            item_key=_bytewise(Concat(Value("device:"), F("device_id"), output_field=CharField())),
        ).filter(changed_at__lte=self.now - self.settle)

    def _stations(self) -> QuerySet[RadioStation]:
        return RadioStation.objects.annotate(
            changed_at=_latest("created_at", _last_audited("devices.radiostation", "devices.station.")),
            item_key=_bytewise(Concat(Value("station:"), F("unit__code"), output_field=CharField())),
        ).filter(changed_at__lte=self.now - self.settle)

    def pending(self, cursor: SyncCursor, *, limit: int) -> list[Item]:
        stations = _after(self._stations(), cursor, at="changed_at", key="item_key")
        devices = _after(self._devices(), cursor, at="changed_at", key="item_key")
        items = [
            self._station(s)
            for s in stations.select_related("unit").order_by("changed_at", "item_key")[:limit]
        ] + [
            self._device(d)
            for d in devices.select_related("unit", "state", "station__unit").order_by(
                "changed_at", "item_key"
            )[:limit]
        ]
        return sorted(items, key=lambda item: item.position)[:limit]

    def count_pending(self, cursor: SyncCursor) -> int:
        return (
            _after(self._stations(), cursor, at="changed_at", key="item_key").count()
            + _after(self._devices(), cursor, at="changed_at", key="item_key").count()
        )

    def start(self, cursor: SyncCursor) -> str:
        return _start_of_watermark(cursor)

    def advance(self, cursor: SyncCursor, items: list[Item]) -> None:
        _advance_watermark(cursor, items)

    def _station(self, station: Any) -> Item:
        return Item(
            id=station.item_key,
            updated_at=station.changed_at,
            position=(station.changed_at, station.item_key),
            body={
                "type": "station",
                "kind": station.kind,
                "commune_code": station.unit.code,
                "station_id": None,
                "name": station.name,
                "status": "active",
                "last_seen_at": None,
                "installed_on": None,
                "retired_on": None,
            },
        )

    def _device(self, device: Any) -> Item:
        state = getattr(device, "state", None)
        today = self.now.astimezone(LOCAL).date()
        if device.retired_on is not None and device.retired_on <= today:
            status = "retired"
        elif state is not None and state.online_changed_at is not None:
            status = "online" if state.is_online else "offline"
        else:
            status = "unknown"
        return Item(
            id=device.item_key,
            updated_at=device.changed_at,
            position=(device.changed_at, device.item_key),
            body={
                "type": "device",
                "kind": device.kind,
                "commune_code": device.unit.code,
                "station_id": f"station:{device.station.unit.code}" if device.station else None,
                "name": device.name,
                "status": status,
                "last_seen_at": iso(state.last_heartbeat_at) if state is not None else None,
                "installed_on": iso(device.installed_on),
                "retired_on": iso(device.retired_on),
            },
        )


@dataclass
class Bulletins:
    """Distributed and withdrawn bulletins (id: the bulletin's number in Nguồn)."""

    now: datetime
    settle: timedelta = SETTLE

    def _rows(self, cursor: SyncCursor) -> QuerySet[Bulletin]:
        rows = Bulletin.objects.filter(status__in=PUBLISHED, updated_at__lte=self.now - self.settle).annotate(
            item_key=_bytewise(Cast("pk", output_field=CharField()))
        )
        return _after(rows, cursor, at="updated_at", key="item_key")

    def pending(self, cursor: SyncCursor, *, limit: int) -> list[Item]:
        rows = self._rows(cursor).select_related("unit", "category").order_by("updated_at", "item_key")
        return [self._item(b) for b in rows[:limit]]

    def count_pending(self, cursor: SyncCursor) -> int:
        return self._rows(cursor).count()

    def start(self, cursor: SyncCursor) -> str:
        return _start_of_watermark(cursor)

    def advance(self, cursor: SyncCursor, items: list[Item]) -> None:
        _advance_watermark(cursor, items)

    def _item(self, bulletin: Any) -> Item:
        return Item(
            id=bulletin.item_key,
            updated_at=bulletin.updated_at,
            position=(bulletin.updated_at, bulletin.item_key),
            body={
                "title": bulletin.title,
                "category_code": bulletin.category.code,
                "source_level": bulletin.source_level,
                "language": bulletin.language,
                "priority": bulletin.priority,
                "unit_code": bulletin.unit.code,
                "unit_level": bulletin.unit.level,
                "first_published_at": iso(bulletin.first_distributed_at),
                "distributed_at": iso(bulletin.distributed_at),
                "withdrawn_at": iso(bulletin.withdrawn_at) if bulletin.status == Status.WITHDRAWN else None,
                "revision": bulletin.live_revision or bulletin.revision,
                "status": bulletin.status,
            },
        )


# -- derived datasets ------------------------------------------------------------------------------------


@dataclass
class Broadcasts:
    """Plays per commune per local day (id ``<commune code>:<YYYY-MM-DD>``), from ``DailyPlays``.

    The rollup rebuilds every recent day when receipts arrive, so a commune-day with new row ids is sent
    only if its figures differ from the acknowledged ones (fingerprints kept for ``KEEP_DAYS`` days;
    an older day rebuilt by a late receipt is simply sent again)."""

    now: datetime
    settle: timedelta = SETTLE

    KEEP_DAYS = 35

    def _groups(self, cursor: SyncCursor) -> QuerySet[Any]:
        return (
            DailyPlays.objects.values("unit__code", "day")
            .annotate(
                seq=Max("pk"),
                devices=Count("device_id", distinct=True),
                plays=Sum("plays"),
                emergency=Sum("emergency_plays"),
                duration=Sum("duration_us"),
            )
            .filter(seq__gt=cursor.watermark_seq)
            .order_by("seq")
        )

    def _changed(self, cursor: SyncCursor, limit: int | None) -> list[Item]:
        seen: dict[str, str] = cursor.fingerprints or {}
        items: list[Item] = []
        for group in self._groups(cursor).iterator(chunk_size=2000):
            item = self._item(group)
            if seen.get(item.id) != item.fingerprint:
                items.append(item)
                if limit is not None and len(items) >= limit:
                    break
        return items

    def pending(self, cursor: SyncCursor, *, limit: int) -> list[Item]:
        rollup.refresh()  # derived rows only: bring them up to the receipts first (as reports do)
        return self._changed(cursor, limit)

    def count_pending(self, cursor: SyncCursor) -> int:
        rollup.refresh()
        return len(self._changed(cursor, None))

    def start(self, cursor: SyncCursor) -> str:
        return str(cursor.watermark_seq)

    def advance(self, cursor: SyncCursor, items: list[Item]) -> None:
        cursor.watermark_seq = max(cursor.watermark_seq, items[-1].position[0])
        oldest = (self.now.astimezone(LOCAL).date() - timedelta(days=self.KEEP_DAYS)).isoformat()
        fingerprints = {k: v for k, v in (cursor.fingerprints or {}).items() if k.split(":")[1] >= oldest}
        fingerprints.update({item.id: item.fingerprint for item in items if item.body["day"] >= oldest})
        cursor.fingerprints = fingerprints

    def _item(self, group: dict[str, Any]) -> Item:
        day: date = group["day"]
        return Item(
            id=f"{group['unit__code']}:{day.isoformat()}",
            updated_at=self.now,
            position=(group["seq"],),
            body={
                "commune_code": group["unit__code"],
                "day": day.isoformat(),
                "devices": group["devices"],
                "plays": group["plays"],
                "emergency_plays": group["emergency"],
                "seconds": seconds_of(group["duration"]),
            },
        )


def seconds_of(microseconds: int) -> int:
    """Whole seconds of play, rounded half up (the rollup keeps microseconds)."""
    return (int(microseconds) + 500_000) // 1_000_000


def periods_of(today: date) -> list[Period]:
    """The reporting periods pushed: the one being gathered on ``today`` and the one before it."""
    now = current_period(today)
    before = parse(f"{now.year - 1}-Y") if now.code.endswith("H1") else parse(f"{now.year}-H1")
    return [before, now]


@dataclass
class Statistics:
    """The indicator table per period (id ``<period>:<unit code>``, one per commune and one for the
    province), sent when its figures differ from the acknowledged ones."""

    now: datetime
    settle: timedelta = SETTLE
    province: AdministrativeUnit | None = None
    _cache: list[Item] | None = None

    def _all(self) -> list[Item]:
        if self._cache is None:
            province = self.province or AdministrativeUnit.objects.get(
                level="province", is_current=True, code=settings.NGUON_PROVINCE_CODE
            )
            items: list[Item] = []
            for period in periods_of(self.now.astimezone(LOCAL).date()):
                result = table(period, province)
                for row in result.rows:
                    items.append(self._item(period, row.unit, row.values, row.status))
                items.append(self._item(period, province, dict(result.totals), ""))
            self._cache = items
        return self._cache

    def pending(self, cursor: SyncCursor, *, limit: int) -> list[Item]:
        seen: dict[str, str] = cursor.fingerprints or {}
        return [item for item in self._all() if seen.get(item.id) != item.fingerprint][:limit]

    def count_pending(self, cursor: SyncCursor) -> int:
        seen: dict[str, str] = cursor.fingerprints or {}
        return sum(1 for item in self._all() if seen.get(item.id) != item.fingerprint)

    def start(self, cursor: SyncCursor) -> str:
        return str(sorted((cursor.fingerprints or {}).items()))

    def advance(self, cursor: SyncCursor, items: list[Item]) -> None:
        keep = {p.code for p in periods_of(self.now.astimezone(LOCAL).date())}
        fingerprints = {k: v for k, v in (cursor.fingerprints or {}).items() if k.split(":")[0] in keep}
        fingerprints.update({item.id: item.fingerprint for item in items})
        cursor.fingerprints = fingerprints

    def _item(self, period: Period, unit: AdministrativeUnit, values: dict[str, Any], status: str) -> Item:
        return Item(
            id=f"{period.code}:{unit.code}",
            updated_at=self.now,
            body={
                "period": period.code,
                "period_kind": period.kind,
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "unit_code": unit.code,
                "unit_level": unit.level,
                "report_status": status,
                "values": {code: number(value) for code, value in values.items()},
            },
        )


SOURCES: dict[str, Callable[..., Source]] = {
    Dataset.INVENTORY: Inventory,
    Dataset.BULLETINS: Bulletins,
    Dataset.BROADCASTS: Broadcasts,
    Dataset.STATISTICS: Statistics,
}


def source_of(dataset: str, *, now: datetime, settle: timedelta = SETTLE) -> Source:
    return SOURCES[dataset](now=now, settle=settle)
