"""The emergency alerts the portal shows in its banner (read from the radio app's public side).

An alert is *active* while its emergency order is on air (``EmergencyStatus.ON_AIR``), or while the newest
CAP 1.2 message published for the order (the public ``/alerts/`` feed) is an Alert or Update that has not
expired: its ``<expires>`` is still ahead, or, without one, it was sent less than
:data:`CAP_WITHOUT_EXPIRY` ago. A stopped order (whose Cancel is published) is never active.

Only what the public CAP feed already publishes is shown: the order's title and message, the issuing
unit, the areas and the time it started. Who requested or approved it never leaves the radio app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.urls import reverse
from lxml import etree

from nguon.radio.cap.schema import CAP_NS
from nguon.radio.choices import CapMsgType, EmergencyStatus
from nguon.radio.models import CapMessage, EmergencyOrder
from nguon.units.models import AdministrativeUnit

#: How long a CAP alert without ``<expires>`` counts as active.
CAP_WITHOUT_EXPIRY = timedelta(hours=24)
#: CAP messages older than this are not looked at (every alert expires well before).
CAP_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class PublicAlert:
    """One active emergency alert as the public sees it."""

    order_id: int
    title: str
    message: str
    issuer: str
    areas: list[str]
    since: datetime
    on_air: bool
    cap_url: str  # the newest CAP document of the order, or ""
    changed_at: datetime  # the newest change (for Last-Modified)


def _expires(message: CapMessage) -> datetime | None:
    """The latest ``<expires>`` of the message's ``<info>`` blocks (None when it has none)."""
    try:
        root = etree.fromstring(message.xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None
    found = [e.text or "" for e in root.iterfind("c:info/c:expires", {"c": CAP_NS})]
    moments = []
    for text in found:
        try:
            moments.append(datetime.fromisoformat(text.strip()))
        except ValueError:
            continue
    return max(moments) if moments else None


def _cap_active(message: CapMessage, now: datetime) -> bool:
    if message.msg_type == CapMsgType.CANCEL:
        return False
    expires = _expires(message)
    if expires is not None:
        return expires > now
    return now - message.sent < CAP_WITHOUT_EXPIRY


def _reaches(order: EmergencyOrder, commune: AdministrativeUnit) -> bool:
    """True when one of the order's units is the commune, lies in it, or contains it."""
    return any(u.path.startswith(commune.path) or commune.path.startswith(u.path) for u in order.units.all())


def active_alerts(*, now: datetime, commune: AdministrativeUnit | None = None) -> list[PublicAlert]:
    """The active alerts (see the module docstring), newest first; only those reaching ``commune`` when
    given."""
    recent = CapMessage.objects.filter(sent__gte=now - CAP_LOOKBACK).order_by("-sent", "-pk")
    orders = (
        EmergencyOrder.objects.filter(
            Q(status=EmergencyStatus.ON_AIR) | Q(cap_messages__sent__gte=now - CAP_LOOKBACK)
        )
        .exclude(status__in=[EmergencyStatus.STOPPED, EmergencyStatus.REJECTED])
        .distinct()
        .select_related("issuer_unit")
        .prefetch_related("units", Prefetch("cap_messages", queryset=recent, to_attr="recent_messages"))
        .order_by("-requested_at", "-pk")
    )
    alerts = []
    for order in orders:
        messages: list[CapMessage] = getattr(order, "recent_messages", [])
        newest = messages[0] if messages else None
        on_air = order.status == EmergencyStatus.ON_AIR
        if not on_air and (newest is None or not _cap_active(newest, now)):
            continue
        if commune is not None and not _reaches(order, commune):
            continue
        since = order.approved_at or order.requested_at
        moments = [since, order.requested_at] + ([newest.sent] if newest is not None else [])
        alerts.append(
            PublicAlert(
                order_id=order.pk,
                title=order.title,
                message=order.message,
                issuer=order.issuer_unit.full_name,
                areas=sorted(u.full_name for u in order.units.all()),
                since=since,
                on_air=on_air,
                cap_url=reverse("alerts:document", kwargs={"identifier": newest.identifier})
                if newest is not None
                else "",
                changed_at=max(moments),
            )
        )
    return alerts
