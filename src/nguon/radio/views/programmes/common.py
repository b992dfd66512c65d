"""What every programme screen shares: which commune it is about (``?unit=CODE``, limited to what the person
may see) and the choices its forms offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from nguon.core import access
from nguon.radio.selectors import programmes as selectors
from nguon.radio.selectors.bulletins import airable_bulletins
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: How many bulletins the running-order editor offers (the newest approved first).
BULLETIN_CHOICES = 200


@dataclass(frozen=True)
class Station:
    """The commune a screen shows, and what the person may do there."""

    unit: AdministrativeUnit
    can_operate: bool
    choices: list[AdministrativeUnit]

    @property
    def query(self) -> str:
        return f"unit={self.unit.code}"


def station(
    request: HttpRequest, *, action: str = selectors.READ, levels: tuple[str, ...] = (UnitLevel.COMMUNE,)
) -> Station:
    """The commune of ``?unit=CODE`` (or the person's own); 404 when they may not ``action`` there."""
    code = (request.GET.get("unit") or request.POST.get("unit") or "").strip()
    if code:
        unit = selectors.get_station(user=request.user, code=code, action=action, levels=levels)
    else:
        found = selectors.default_station(user=request.user)
        if found is None or not access.can(request.user, action, unit=found):
            raise Http404
        unit = found
    stations = selectors.list_stations(user=request.user)
    choices = list(stations[:500]) if stations[:2].count() > 1 else []
    return Station(unit, access.can(request.user, selectors.WRITE, unit=unit), choices)


def bulletin_choices(unit: AdministrativeUnit) -> list[tuple[int, str]]:
    return [(b.pk, b.title[:120]) for b in airable_bulletins(unit)[:BULLETIN_CHOICES]]


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    """A service error as {field: [messages]} ("" for errors without a field)."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in values] for name, values in error.message_dict.items()}
    return {"": [str(m) for m in error.messages]}


def local_time_of(moment: Any) -> Any:
    from django.utils import timezone

    from nguon.radio.services.programmes import tz

    return timezone.localtime(moment, tz())
