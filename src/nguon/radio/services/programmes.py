"""Programmes and their occurrences: the one write path for a commune's radio schedule.

Saving a programme checks everything first (rule, dates, quiet hours, clashes with the commune's other
programmes, running order) and then writes the programme, its running order and its occurrences over the
horizon in one transaction, so nothing is ever half-scheduled. After the commit the commune's manifests are
recompiled (:mod:`nguon.radio.services.compilation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.devices.models import DeviceGroup
from nguon.radio import recurrence
from nguon.radio.choices import OccurrenceStatus, TargetKind
from nguon.radio.models import BroadcastSettings, Occurrence, Programme, RunningOrderItem
from nguon.radio.services.running_orders import ItemInput, build_items, check_length
from nguon.units.models import AdministrativeUnit

__all__ = [
    "ItemInput",
    "ProgrammeInput",
    "customise_occurrence",
    "materialise",
    "materialise_unit",
    "rule_of",
    "save_programme",
    "set_active",
    "set_cancelled",
    "settings_for",
    "tz",
]

#: How far ahead a new programme is checked for clashes with the commune's other programmes.
CLASH_WINDOW_DAYS = 400
_FIELDS = (
    "title",
    "description",
    "rrule",
    "rdates",
    "exdates",
    "starts_on",
    "ends_on",
    "start_time",
    "duration_minutes",
    "target_kind",
    "volume",
    "is_active",
)


@dataclass(frozen=True)
class ProgrammeInput:
    title: str
    starts_on: date
    start_time: time
    duration_minutes: int
    rrule: str = ""
    rdates: Sequence[date] = ()
    exdates: Sequence[date] = ()
    ends_on: date | None = None
    description: str = ""
    target_kind: str = TargetKind.COMMUNE
    residential_codes: Sequence[str] = ()
    group_ids: Sequence[int] = ()
    volume: int | None = None
    is_active: bool = True
    items: Sequence[ItemInput] = field(default_factory=tuple)


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def settings_for(unit: AdministrativeUnit) -> BroadcastSettings:
    """The unit's broadcast settings (defaults, unsaved, when it has none)."""
    found = BroadcastSettings.objects.filter(unit=unit).first()
    return found if found is not None else BroadcastSettings(unit=unit)


def rule_of(programme: Programme) -> recurrence.Rule:
    return recurrence.Rule(
        starts_on=programme.starts_on,
        start_time=programme.start_time,
        duration=timedelta(minutes=programme.duration_minutes),
        rrule=programme.rrule,
        rdates=tuple(date.fromisoformat(d) for d in programme.rdates),
        exdates=tuple(date.fromisoformat(d) for d in programme.exdates),
        ends_on=programme.ends_on,
    )


def _fmt(moment: Any) -> str:
    return str(timezone.localtime(moment, tz()).strftime("%H:%M"))


# -- checks ---------------------------------------------------------------------------------------------


def _rule(data: ProgrammeInput) -> recurrence.Rule:
    errors: dict[str, list[str]] = {}
    try:
        rrule = recurrence.normalise_rrule(data.rrule)
    except recurrence.RecurrenceError as error:
        errors["rrule"] = [str(error)]
        rrule = ""
    if not 1 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = ["Thời lượng phải từ 1 phút đến 24 giờ."]
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = ["Ngày kết thúc phải sau ngày bắt đầu."]
    if not rrule and not data.rdates and "rrule" not in errors:
        errors["rrule"] = ["Chọn cách lặp (hằng ngày, các ngày trong tuần…) hoặc ít nhất một ngày phát."]
    if errors:
        raise ValidationError(errors)
    return recurrence.Rule(
        starts_on=data.starts_on,
        start_time=data.start_time,
        duration=timedelta(minutes=data.duration_minutes),
        rrule=rrule,
        rdates=tuple(sorted(set(data.rdates))),
        exdates=tuple(sorted(set(data.exdates))),
        ends_on=data.ends_on,
    )


def _check_dates(rule: recurrence.Rule, unit: AdministrativeUnit) -> list[recurrence.Slot]:
    """The airings within the clash window; refuses a rule with none and any airing in quiet hours."""
    zone = tz()
    horizon_end = rule.ends_on or rule.starts_on + timedelta(days=CLASH_WINDOW_DAYS)
    last = min(horizon_end, rule.starts_on + timedelta(days=CLASH_WINDOW_DAYS))
    days = recurrence.local_dates(rule, rule.starts_on, last)
    if not days:
        raise ValidationError({"rrule": ["Cách lặp này không cho buổi phát nào trong khoảng ngày đã chọn."]})
    slots = [recurrence.slot_on(rule, d, zone) for d in days]
    policy = settings_for(unit)
    for slot in slots:
        if recurrence.in_quiet_hours(slot, policy.quiet_start, policy.quiet_end, zone):
            across = " (kéo sang ngày hôm sau)" if recurrence.crosses_midnight(rule) else ""
            message = (
                f"Chương trình từ {_fmt(slot.start)} đến {_fmt(slot.end)}{across} rơi vào giờ yên tĩnh "
                f"{policy.quiet_start:%H:%M}–{policy.quiet_end:%H:%M} của xã. Đổi giờ phát, hoặc sửa giờ "
                "yên tĩnh trong thiết lập phát thanh."
            )
            raise ValidationError({"start_time": [message]})
    return slots


def _targets(
    unit: AdministrativeUnit, data: ProgrammeInput
) -> tuple[list[AdministrativeUnit], list[DeviceGroup]]:
    if data.target_kind == TargetKind.COMMUNE:
        return [], []
    if data.target_kind == TargetKind.RESIDENTIAL:
        codes = sorted(set(data.residential_codes))
        found = list(AdministrativeUnit.objects.filter(parent=unit, code__in=codes, is_current=True))
        missing = sorted(set(codes) - {u.code for u in found})
        if not codes or missing:
            raise ValidationError(
                {
                    "residential_codes": [
                        f"Thôn, tổ dân phố không thuộc xã: {', '.join(missing) or '(chưa chọn)'}."
                    ]
                }
            )
        return found, []
    if data.target_kind == TargetKind.GROUPS:
        ids = sorted(set(data.group_ids))
        groups = list(DeviceGroup.objects.filter(unit__path__startswith=unit.path, pk__in=ids))
        if not ids or len(groups) != len(ids):
            raise ValidationError({"group_ids": ["Chọn nhóm thiết bị của xã."]})
        return [], groups
    raise ValidationError({"target_kind": ["Chọn nơi phát."]})


def _overlapping_targets(a_kind: str, a_units: set[int], a_groups: set[int], b: Programme) -> bool:
    if TargetKind.COMMUNE in {a_kind, b.target_kind}:
        return True
    if a_kind != b.target_kind:
        return True  # residential units and device groups may share clusters: treat as overlapping
    if a_kind == TargetKind.RESIDENTIAL:
        return bool(a_units & {u.pk for u in b.residential_units.all()})
    return bool(a_groups & {g.pk for g in b.device_groups.all()})


def _check_clashes(  # noqa: PLR0917
    unit: AdministrativeUnit,
    slots: list[recurrence.Slot],
    kind: str,
    units: list[AdministrativeUnit],
    groups: list[DeviceGroup],
    exclude: int | None,
) -> None:
    others = (
        Programme.objects.filter(unit=unit, is_active=True)
        .exclude(pk=exclude or 0)
        .prefetch_related("residential_units", "device_groups")
    )
    unit_ids, group_ids = {u.pk for u in units}, {g.pk for g in groups}
    zone = tz()
    first, last = slots[0].start, slots[-1].end
    for other in others:
        if not _overlapping_targets(kind, unit_ids, group_ids, other):
            continue
        theirs = recurrence.slots_between(rule_of(other), first, last, zone)
        j = 0
        for mine in slots:
            while j < len(theirs) and theirs[j].end <= mine.start:
                j += 1
            if j < len(theirs) and theirs[j].start < mine.end:
                clash = theirs[j]
                message = (
                    f"Trùng giờ với chương trình «{other.title}» ngày {clash.date:%d/%m/%Y} "
                    f"({_fmt(clash.start)}–{_fmt(clash.end)}) trên cùng loa. Đổi giờ hoặc nơi phát."
                )
                raise ValidationError({"start_time": [message]})


# -- writes ---------------------------------------------------------------------------------------------


def save_programme(
    *, actor: Any, unit: AdministrativeUnit, data: ProgrammeInput, programme: Programme | None = None
) -> Programme:
    """Create (``programme`` None) or change a programme of ``unit``; see the module docstring."""
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    title = nfc(data.title).strip()
    if not title:
        raise ValidationError({"title": ["Nhập tên chương trình."]})
    if data.volume is not None and not 0 <= data.volume <= 100:
        raise ValidationError({"volume": ["Âm lượng phải từ 0 đến 100."]})
    rule = _rule(data)
    slots = _check_dates(rule, unit)
    units, groups = _targets(unit, data)
    _check_clashes(unit, slots, data.target_kind, units, groups, programme.pk if programme else None)
    built = build_items(actor, unit, data.items)
    check_length(built, data.duration_minutes)
    with transaction.atomic():
        before = audit.snapshot(programme, _FIELDS) if programme is not None else None
        target = programme or Programme(unit=unit, created_by=actor if getattr(actor, "pk", None) else None)
        target.title, target.description = title[:200], nfc(data.description).strip()[:500]
        target.rrule, target.starts_on, target.ends_on = rule.rrule, rule.starts_on, rule.ends_on
        target.rdates = [d.isoformat() for d in rule.rdates]
        target.exdates = [d.isoformat() for d in rule.exdates]
        target.start_time, target.duration_minutes = rule.start_time, data.duration_minutes
        target.target_kind, target.volume, target.is_active = data.target_kind, data.volume, data.is_active
        target.save()
        target.residential_units.set(units)
        target.device_groups.set(groups)
        target.items.all().delete()
        for line in built:
            line.programme = target
        RunningOrderItem.objects.bulk_create(built)
        materialise(target)
        audit.record(
            actor=actor,
            action="radio.programme.update" if programme else "radio.programme.create",
            target=target,
            unit=unit,
            before=before,
            after={**audit.snapshot(target, _FIELDS), "items": [i.kind for i in built]},
        )
        _recompile_on_commit(unit)
    return target


def set_active(*, actor: Any, programme: Programme, active: bool) -> Programme:
    """Pause or resume a programme; paused programmes have no future occurrences."""
    access.require(actor, access.BROADCAST_OPERATE, unit=programme.unit)
    with transaction.atomic():
        before = audit.snapshot(programme, ("is_active",))
        programme.is_active = active
        programme.save(update_fields=["is_active", "updated_at"])
        materialise(programme)
        audit.record(
            actor=actor,
            action="radio.programme.activate" if active else "radio.programme.pause",
            target=programme,
            unit=programme.unit,
            before=before,
            after={"is_active": active},
        )
        _recompile_on_commit(programme.unit)
    return programme


def materialise(programme: Programme, *, until: date | None = None, now: Any = None) -> int:
    """Make the programme's future occurrences match its rule up to ``until`` (default: the horizon).

    Occurrences that started already are history and never change; customised ones are left alone;
    other future ones are created, moved or removed. Returns how many rows changed.
    """
    zone = tz()
    moment = now or timezone.now()
    today = timezone.localtime(moment, zone).date()
    last = until or today + timedelta(days=settings_for(programme.unit).horizon_days)
    wanted = (
        {
            slot.date: slot
            for slot in (
                recurrence.slot_on(rule_of(programme), d, zone)
                for d in recurrence.local_dates(rule_of(programme), today, last)
            )
            if slot.start >= moment
        }
        if programme.is_active
        else {}
    )
    existing = {
        o.date: o
        for o in Occurrence.objects.filter(programme=programme, starts_at__gte=moment, date__lte=last)
    }
    changed = 0
    for day, occurrence in existing.items():
        if occurrence.is_customised:
            continue
        slot = wanted.get(day)
        if slot is None:
            occurrence.delete()
            changed += 1
        elif (occurrence.starts_at, occurrence.ends_at) != (slot.start, slot.end):
            occurrence.starts_at, occurrence.ends_at = slot.start, slot.end
            occurrence.save(update_fields=["starts_at", "ends_at", "updated_at"])
            changed += 1
    fresh = [
        Occurrence(programme=programme, date=day, starts_at=slot.start, ends_at=slot.end)
        for day, slot in wanted.items()
        if day not in existing
    ]
    Occurrence.objects.bulk_create(fresh)
    return changed + len(fresh)


def materialise_unit(unit: AdministrativeUnit, *, now: Any = None) -> int:
    """Materialise every programme of the commune up to its horizon (the nightly job and the compiler)."""
    return sum(materialise(p, now=now) for p in Programme.objects.filter(unit=unit))


def customise_occurrence(
    *,
    actor: Any,
    occurrence: Occurrence,
    items: Sequence[ItemInput] | None = None,
    start_time: time | None = None,
    duration_minutes: int | None = None,
    note: str = "",
) -> Occurrence:
    """Change one day without touching the series: its running order and/or its time."""
    programme = occurrence.programme
    unit = programme.unit
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    if occurrence.starts_at <= timezone.now():
        raise ValidationError("Buổi phát này đã bắt đầu hoặc đã qua; không sửa được.")
    minutes = duration_minutes or int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
    start = start_time or timezone.localtime(occurrence.starts_at, tz()).time()
    day_rule = recurrence.Rule(
        starts_on=occurrence.date,
        start_time=start,
        duration=timedelta(minutes=minutes),
        rdates=(occurrence.date,),
    )
    slots = _check_dates(day_rule, unit)
    _check_clashes(
        unit,
        slots,
        programme.target_kind,
        list(programme.residential_units.all()),
        list(programme.device_groups.all()),
        programme.pk,
    )
    built = build_items(actor, unit, items) if items is not None else None
    if built is not None:
        check_length(built, minutes)
    with transaction.atomic():
        before = {"starts_at": occurrence.starts_at.isoformat(), "ends_at": occurrence.ends_at.isoformat()}
        occurrence.starts_at, occurrence.ends_at = slots[0].start, slots[0].end
        occurrence.is_customised, occurrence.note = True, nfc(note).strip()[:300]
        occurrence.save()
        if built is not None:
            occurrence.items.all().delete()
            for line in built:
                line.occurrence = occurrence
            RunningOrderItem.objects.bulk_create(built)
        elif not occurrence.items.exists():
            RunningOrderItem.objects.bulk_create(
                [
                    RunningOrderItem(
                        occurrence=occurrence,
                        position=i.position,
                        kind=i.kind,
                        title=i.title,
                        bulletin=i.bulletin,
                        blob=i.blob,
                        stream_url=i.stream_url,
                        duration_seconds=i.duration_seconds,
                    )
                    for i in programme.items.all()
                ]
            )
        audit.record(
            actor=actor,
            action="radio.occurrence.customise",
            target=occurrence,
            unit=unit,
            before=before,
            after={
                "starts_at": occurrence.starts_at.isoformat(),
                "ends_at": occurrence.ends_at.isoformat(),
                "items": [i.kind for i in built] if built is not None else "unchanged",
            },
        )
        _recompile_on_commit(unit)
    return occurrence


def set_cancelled(*, actor: Any, occurrence: Occurrence, cancelled: bool, note: str = "") -> Occurrence:
    """Cancel one airing (or restore it); the series is untouched."""
    unit = occurrence.programme.unit
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    if occurrence.starts_at <= timezone.now():
        raise ValidationError("Buổi phát này đã bắt đầu hoặc đã qua; không sửa được.")
    with transaction.atomic():
        occurrence.status = OccurrenceStatus.CANCELLED if cancelled else OccurrenceStatus.SCHEDULED
        occurrence.is_customised = True
        occurrence.note = nfc(note).strip()[:300]
        occurrence.save()
        audit.record(
            actor=actor,
            action="radio.occurrence.cancel" if cancelled else "radio.occurrence.restore",
            target=occurrence,
            unit=unit,
            after={"status": occurrence.status, "note": occurrence.note},
        )
        _recompile_on_commit(unit)
    return occurrence


def _recompile_on_commit(unit: AdministrativeUnit) -> None:
    from nguon.radio.services import compilation

    transaction.on_commit(lambda: compilation.request_compile(unit))
