"""Reads of administrative units and organisations. Lists that depend on who asks take ``user`` and go
through :func:`nguon.core.access.scope`; reference data (the official tree) is readable by any signed-in
person and by the CLI."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from nguon.core.text import fold, nfc
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation, UnitSuccession

_LEVEL_ORDER = Case(
    When(level=UnitLevel.PROVINCE, then=Value(0)),
    When(level=UnitLevel.DISTRICT, then=Value(1)),
    When(level=UnitLevel.COMMUNE, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def search_units(
    *, query: str, include_historical: bool = True, limit: int = 50
) -> QuerySet[AdministrativeUnit]:
    """Units whose code equals ``query`` or whose folded name contains it ("dinh hoa" finds "Định Hóa").

    Current units come first, then higher levels, then exact name matches.
    """
    text = nfc(query)
    qs = AdministrativeUnit.objects.select_related("parent")
    if not include_historical:
        qs = qs.filter(is_current=True)
    if text.isdigit():
        return qs.filter(code=text).order_by("-is_current", _LEVEL_ORDER, "path")[:limit]
    key = fold(text)
    if not key:
        return qs.none()
    condition = Q(search_key__contains=key) | Q(code__iexact=text)
    exact = Case(
        When(Q(search_key=key) | Q(name__iexact=text), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.filter(condition).order_by("-is_current", exact, _LEVEL_ORDER, "path")[:limit]


def get_current_province(*, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, is_current=True, code=code)


def get_current_commune(*, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.select_related("parent").get(
        level=UnitLevel.COMMUNE, is_current=True, code=code
    )


def list_communes(*, province_code: str) -> QuerySet[AdministrativeUnit]:
    """The current communes and wards of a province, by code."""
    return AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE,
        is_current=True,
        province_code=province_code,
        path__startswith=f"{province_code}/",
    ).order_by("code")


def list_residential_units(*, commune: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(parent=commune, level=UnitLevel.RESIDENTIAL).order_by("code")


def list_predecessors(*, unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """Pre-2025 units that became (part of) ``unit``."""
    return (
        AdministrativeUnit.objects.filter(successions_out__successor=unit)
        .select_related("parent")
        .order_by("path")
    )


def list_successors(*, unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(successions_in__predecessor=unit).order_by("path")


def default_successor_codes(*, units: list[AdministrativeUnit]) -> dict[int, str]:
    """Map unit id → code of its default successor, in one query."""
    links = UnitSuccession.objects.filter(predecessor__in=units, is_default=True).values_list(
        "predecessor_id", "successor__code"
    )
    return dict(links)


def list_organisations(*, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    qs = queryset if queryset is not None else Organisation.objects.all()
    return qs.select_related("unit", "parent", "successor")


def visible_units(*, user: object) -> QuerySet[AdministrativeUnit]:
    """Units ``user`` may see: the official tree is public reference data for every signed-in person;
    residential units belong to their commune and follow scoped access."""
    from nguon.core import access

    if not access.has_action(user, access.UNITS_VIEW):
        return AdministrativeUnit.objects.none()
    residential = access.scope(
        user, AdministrativeUnit.objects.filter(level=UnitLevel.RESIDENTIAL), access.UNITS_VIEW
    ).values("pk")
    return AdministrativeUnit.objects.filter(~Q(level=UnitLevel.RESIDENTIAL) | Q(pk__in=residential))
