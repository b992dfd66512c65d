"""Reads for the report screens and API, each through ``access``: the units whose table a person may read,
one commune they may read (or submit for), the province's round of a period and a commune's report in it."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from nguon.core import access
from nguon.reports import periods
from nguon.reports.models import CommuneReport, ReportCycle
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def province() -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(
        code=settings.NGUON_PROVINCE_CODE, level=UnitLevel.PROVINCE, is_current=True
    ).first()
    if unit is None:
        raise Http404
    return unit


def roots(user: object) -> list[AdministrativeUnit]:
    """The units whose table ``user`` may read: the province when allowed, else their communes."""
    home = province()
    if access.can(user, access.REPORTS_VIEW, unit=home):
        return [home]
    communes = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, is_current=True, path__startswith=home.path
    ).order_by("name")
    return list(access.scope(user, communes, access.REPORTS_VIEW))


def commune_or_404(user: object, code: str, action: str = access.REPORTS_VIEW) -> AdministrativeUnit:
    """A current commune of the province that ``user`` may ``action`` (404 for missing and forbidden)."""
    communes = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, is_current=True, path__startswith=province().path
    )
    return access.get_scoped_or_404(user, communes, action, code=code)


def root_or_404(user: object, code: str | None) -> AdministrativeUnit:
    """The province or a commune by ``code`` (default: the first the person may read)."""
    visible = roots(user)
    if not visible:
        raise Http404
    if not code:
        return visible[0]
    if visible[0].level == UnitLevel.PROVINCE:
        return visible[0] if code == visible[0].code else commune_or_404(user, code)
    found = next((u for u in visible if u.code == code), None)
    if found is None:
        raise Http404
    return found


def cycle_of(period: periods.Period) -> ReportCycle | None:
    return ReportCycle.objects.filter(province__path=province().path, period=period.code).first()


def report_of(cycle: ReportCycle | None, unit: AdministrativeUnit) -> CommuneReport | None:
    if cycle is None:
        return None
    return CommuneReport.objects.filter(cycle=cycle, unit=unit).first()
