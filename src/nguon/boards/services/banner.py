"""The emergency banner: while a radio emergency order is on air, the e-boards of its units show it.

The banner is an :class:`~nguon.devices.models.EmergencyBroadcast` of its own over those e-boards (its
item is a ``banner`` with the order's title as heading and its message, or its bulletin's summary, as
body), written into the boards' manifests in the same transaction and sent as signed ``emergency-start``
commands; :class:`~nguon.boards.models.EmergencyBanner` ties it to the speakers' broadcast, so stopping
the order removes the banner in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from nguon.boards.models import EmergencyBanner
from nguon.core import access, audit
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device, EmergencyBroadcast
from nguon.devices.selectors.registry import devices_of_units
from nguon.devices.services.emergencies import start_banner_on, stop_emergency
from nguon.units.models import AdministrativeUnit


def board_targets(units: Iterable[AdministrativeUnit]) -> list[Device]:
    """The e-boards in service of ``units`` (a commune's, the province's, or those placed in a
    residential unit)."""
    return devices_of_units(units, kind=DeviceKind.EBOARD)


def _commandable(actor: Any, boards: list[Device]) -> list[Device]:
    allowed: dict[int, bool] = {}
    out = []
    for board in boards:
        if board.unit_id not in allowed:
            allowed[board.unit_id] = access.can(
                actor, access.BROADCAST_OPERATE, unit=board.unit
            ) or access.can(actor, access.DEVICES_MANAGE, unit=board.unit)
        if allowed[board.unit_id]:
            out.append(board)
    return out


def start_banner(
    *,
    actor: Any,
    source: EmergencyBroadcast,
    units: Iterable[AdministrativeUnit],
    heading: str,
    body: str = "",
) -> EmergencyBanner | None:
    """Show the banner on the e-boards of ``units`` that ``actor`` may command, tied to ``source``;
    None when there is no such board (or a banner for ``source`` exists already)."""
    boards = _commandable(actor, board_targets(units))
    if not boards or EmergencyBanner.objects.filter(source=source).exists():
        return None
    with transaction.atomic():
        broadcast = start_banner_on(actor=actor, unit=source.unit, devices=boards, heading=heading, body=body)
        banner = EmergencyBanner.objects.create(source=source, broadcast=broadcast)
        audit.record(
            actor=actor,
            action="boards.banner.start",
            target=broadcast,
            unit=source.unit,
            after={"source": source.protocol_id, "banner": broadcast.protocol_id, "boards": len(boards)},
        )
    return banner


def stop_banner(*, actor: Any, source: EmergencyBroadcast) -> EmergencyBroadcast | None:
    """Remove the banner tied to ``source`` from its boards (nothing when there is none or it stopped)."""
    banner = (
        EmergencyBanner.objects.filter(source=source).select_related("broadcast", "broadcast__unit").first()
    )
    if banner is None or banner.broadcast.stopped_at is not None:
        return None
    return stop_emergency(actor=actor, broadcast=banner.broadcast)
