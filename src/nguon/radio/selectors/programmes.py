"""Reads of a commune's radio schedule: which communes a person may open, its programmes, the calendar of
its occurrences (with programme, running order and status, in a fixed number of queries) and the latest
compilation warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from nguon.core import access
from nguon.radio.models import CompilationReport, Occurrence, Programme, RunningOrderItem
from nguon.radio.selectors import compilation
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: Who may read a commune's schedule: anyone who may see the commune (the schedule is what its speakers
#: play in public); changing it needs ``broadcast.operate``.
READ = access.UNITS_VIEW
WRITE = access.BROADCAST_OPERATE
#: The longest range one calendar or API request may ask for.
MAX_RANGE_DAYS = 62

_ITEMS = RunningOrderItem.objects.select_related("bulletin", "blob").order_by("position", "pk")


def list_stations(
    *, user: Any, action: str = READ, levels: tuple[str, ...] = (UnitLevel.COMMUNE,)
) -> QuerySet[AdministrativeUnit]:
    """The current communes (and wards) ``user`` may open for ``action``, by name; ``levels`` may add the
    province (whose settings hold the province's emergency policy)."""
    units = AdministrativeUnit.objects.filter(level__in=levels, is_current=True)
    return access.scope(user, units, action).order_by("name", "code")


def get_station(
    *, user: Any, code: str, action: str = READ, levels: tuple[str, ...] = (UnitLevel.COMMUNE,)
) -> AdministrativeUnit:
    """One current commune (or unit of ``levels``) by official code, if ``user`` may ``action`` there;
    Http404 otherwise."""
    found = list_stations(user=user, action=action, levels=levels).filter(code=code).select_related("parent")
    unit = found.first()
    if unit is None:
        raise Http404
    return unit


def default_station(*, user: Any) -> AdministrativeUnit | None:
    """The commune a person works on by default: where they operate the radio, else the first they see."""
    unit = access.acting_unit(user, WRITE)
    if unit is not None and unit.level == UnitLevel.COMMUNE:
        return unit
    return list_stations(user=user, action=WRITE).first() or list_stations(user=user).first()


def _with_details(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.select_related("unit").prefetch_related(
        "residential_units", "device_groups", Prefetch("items", queryset=_ITEMS)
    )


def list_programmes(*, unit: AdministrativeUnit) -> QuerySet[Programme]:
    """The commune's programmes (active first), with their targets and running orders."""
    return _with_details(Programme.objects.filter(unit=unit)).order_by("-is_active", "start_time", "title")


def list_visible_programmes(*, user: Any) -> QuerySet[Programme]:
    """Every programme ``user`` may read, by commune."""
    visible = access.scope(user, Programme.objects.all(), READ)
    return _with_details(visible).order_by("unit__path", "start_time", "title")


def get_programme(*, user: Any, pk: int, action: str = READ) -> Programme:
    """One programme ``user`` may ``action`` (404 otherwise), with its targets and running order."""
    return access.get_scoped_or_404(user, _with_details(Programme.objects.all()), action, pk=pk)


def get_occurrence(*, user: Any, pk: int, action: str = READ) -> Occurrence:
    """One occurrence ``user`` may ``action`` (404 otherwise), with its programme and both running orders."""
    queryset = Occurrence.objects.select_related("programme", "programme__unit").prefetch_related(
        Prefetch("items", queryset=_ITEMS),
        Prefetch("programme__items", queryset=_ITEMS),
        "programme__residential_units",
        "programme__device_groups",
    )
    return access.get_scoped_or_404(user, queryset, action, pk=pk)


def list_occurrences(*, unit: AdministrativeUnit, first: date, last: date) -> QuerySet[Occurrence]:
    """The commune's occurrences on local dates ``first``..``last`` (inclusive), in time order, each with its
    programme, the programme's targets and both running orders prefetched (a fixed number of queries)."""
    return (
        Occurrence.objects.filter(programme__unit=unit, date__gte=first, date__lte=last)
        .select_related("programme")
        .prefetch_related(
            Prefetch("items", queryset=_ITEMS),
            Prefetch("programme__items", queryset=_ITEMS),
            "programme__residential_units",
            "programme__device_groups",
        )
        .order_by("starts_at", "programme__title", "pk")
    )


def running_order(occurrence: Occurrence) -> list[RunningOrderItem]:
    """What the occurrence plays: its own lines when customised, else its programme's (prefetched)."""
    own = list(occurrence.items.all())
    if occurrence.is_customised and own:
        return own
    return list(occurrence.programme.items.all())


def target_label(programme: Programme) -> str:
    """Where a programme plays, in words (uses the prefetched targets)."""
    from nguon.radio.choices import TargetKind

    if programme.target_kind == TargetKind.RESIDENTIAL:
        return ", ".join(u.name for u in programme.residential_units.all()) or str(
            TargetKind.RESIDENTIAL.label
        )
    if programme.target_kind == TargetKind.GROUPS:
        return ", ".join(g.name for g in programme.device_groups.all()) or str(TargetKind.GROUPS.label)
    return str(TargetKind.COMMUNE.label)


@dataclass
class Day:
    """One local date of the calendar and the occurrences that start on it."""

    date: date
    occurrences: list[Occurrence] = field(default_factory=list)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def calendar(*, unit: AdministrativeUnit, first: date, days: int = 7) -> list[Day]:
    """``days`` consecutive local dates from ``first``, each with its occurrences (one pass, no N+1)."""
    days = max(1, min(days, MAX_RANGE_DAYS))
    out = [Day(first + timedelta(days=i)) for i in range(days)]
    by_date = {d.date: d for d in out}
    for occurrence in list_occurrences(unit=unit, first=first, last=out[-1].date):
        by_date[occurrence.date].occurrences.append(occurrence)
    return out


def latest_report(*, unit: AdministrativeUnit) -> CompilationReport | None:
    """The commune's most recent compilation report (its warnings are shown on the schedule)."""
    return compilation.get_latest_report(unit)


def residential_choices(unit: AdministrativeUnit) -> list[tuple[str, str]]:
    """The commune's current residential units as (code, name) for the programme form."""
    rows = AdministrativeUnit.objects.filter(parent=unit, level=UnitLevel.RESIDENTIAL, is_current=True)
    return [(u.code, u.name) for u in rows.order_by("name", "code")]


def group_choices(unit: AdministrativeUnit) -> list[tuple[int, str]]:
    """The commune's device groups as (id, name) for the programme form."""
    from nguon.devices.models import DeviceGroup

    rows = DeviceGroup.objects.filter(Q(unit=unit) | Q(unit__path__startswith=unit.path)).order_by("name")
    return [(g.pk, g.name) for g in rows]
