"""Reads of the outbound app: destinations and the delivery log, scoped to who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nguon.core import access
from nguon.outbound.models import DeliveryAttempt, Destination, OutboundMessage


def list_destinations(*, user: Any, action: str = access.OUTBOUND_OPERATE) -> QuerySet[Destination]:
    """Destinations ``user`` may see (the delivery log) or configure (``action=OUTBOUND_CONFIGURE``)."""
    return access.scope(user, Destination.objects.select_related("unit").order_by("name", "pk"), action)


def get_destination(*, user: Any, pk: int, action: str = access.OUTBOUND_CONFIGURE) -> Destination:
    return access.get_scoped_or_404(user, Destination.objects.select_related("unit"), action, pk=pk)


def list_messages(
    *,
    user: Any,
    destination_id: int | None = None,
    status: str | None = None,
    bulletin_id: int | None = None,
) -> QuerySet[OutboundMessage]:
    """The delivery log, newest first, filtered by destination, status and bulletin."""
    qs = access.scope(
        user,
        OutboundMessage.objects.select_related("destination", "bulletin").order_by("-created_at", "-pk"),
        access.OUTBOUND_OPERATE,
    )
    if destination_id:
        qs = qs.filter(destination_id=destination_id)
    if status:
        qs = qs.filter(status=status)
    if bulletin_id:
        qs = qs.filter(bulletin_id=bulletin_id)
    return qs


def get_message(*, user: Any, pk: int) -> OutboundMessage:
    return access.get_scoped_or_404(
        user,
        OutboundMessage.objects.select_related("destination__unit", "bulletin"),
        access.OUTBOUND_OPERATE,
        pk=pk,
    )


def list_attempts(*, message: OutboundMessage) -> QuerySet[DeliveryAttempt]:
    """The attempts of a message the caller already may see (every cycle, oldest first)."""
    return DeliveryAttempt.objects.filter(message=message).order_by("started_at", "pk")
