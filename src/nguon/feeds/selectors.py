"""Reads of the feeds app beyond :mod:`nguon.portal.selectors`: the withdrawn bulletins the public once read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from nguon.content.choices import Channel, Status
from nguon.content.models import Bulletin, Delivery


def get_withdrawn_public(bulletin_id: int) -> Bulletin | None:
    """A bulletin that went public on the portal and was withdrawn since, or ``None``."""
    portal = Delivery.objects.filter(bulletin=OuterRef("pk"), channel=Channel.PORTAL)
    return (
        Bulletin.objects.filter(pk=bulletin_id, status=Status.WITHDRAWN, first_distributed_at__isnull=False)
        .filter(Exists(portal))
        .first()
    )
