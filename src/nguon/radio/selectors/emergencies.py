"""Reads of emergency orders: lists and fetches scoped to the person, and what the order form offers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from nguon.content.models import Attachment, MediaBlob
from nguon.core import access
from nguon.devices.choices import DeviceKind
from nguon.devices.models import CommandRecord, Device, DeviceGroup
from nguon.radio.models import EmergencyOrder
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def list_orders(*, user: Any) -> QuerySet[EmergencyOrder]:
    """Orders issued from a unit where ``user`` may order emergencies, newest first."""
    return (
        access.scope(user, EmergencyOrder.objects.all(), access.BROADCAST_EMERGENCY)
        .select_related("issuer_unit", "requested_by", "approved_by", "stopped_by", "blob")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-requested_at", "-pk")
    )


def get_order(*, user: Any, pk: int) -> EmergencyOrder:
    """One order ``user`` may see (Http404 otherwise)."""
    return access.get_scoped_or_404(
        user,
        EmergencyOrder.objects.select_related(
            "issuer_unit", "requested_by", "approved_by", "stopped_by", "blob", "broadcast"
        ),
        access.BROADCAST_EMERGENCY,
        pk=pk,
    )


def issuer_units(*, user: Any) -> list[AdministrativeUnit]:
    """Units from which ``user`` may order an emergency (the province, or their communes)."""
    return list(
        access.scope(
            user,
            AdministrativeUnit.objects.filter(
                is_current=True, level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE]
            ),
            access.BROADCAST_EMERGENCY,
        ).order_by("path")
    )


def target_choices(*, issuer: AdministrativeUnit) -> dict[str, list[dict[str, Any]]]:
    """The communes and residential units under ``issuer`` that have speaker clusters, with counts, for
    the unit picker (one query for devices, one for the units)."""
    clusters = Device.objects.filter(
        unit__path__startswith=issuer.path, kind=DeviceKind.SPEAKER_CLUSTER, retired_on__isnull=True
    )
    per_commune: dict[int, int] = {}
    per_residential: dict[int, int] = {}
    for unit_id, residential_id in clusters.values_list("unit_id", "residential_unit_id"):
        per_commune[unit_id] = per_commune.get(unit_id, 0) + 1
        if residential_id is not None:
            per_residential[residential_id] = per_residential.get(residential_id, 0) + 1
    units = AdministrativeUnit.objects.filter(
        Q(pk__in=list(per_commune)) | Q(pk__in=list(per_residential))
    ).order_by("path")
    communes, residential = [], []
    for unit in units:
        if unit.pk in per_residential:
            residential.append({"unit": unit, "clusters": per_residential[unit.pk]})
        if unit.pk in per_commune:
            communes.append({"unit": unit, "clusters": per_commune[unit.pk]})
    return {"communes": communes, "residential": residential}


def audio_choices(*, user: Any, limit: int = 50) -> list[dict[str, Any]]:
    """Audio files ``user`` may pick: audio attachments of bulletins they can see and the audio of
    earlier emergency orders they can see, newest first."""
    seen: dict[int, dict[str, Any]] = {}
    attachments = (
        access.scope(user, Attachment.objects.filter(blob__kind="audio"), access.CONTENT_VIEW)
        .select_related("blob")
        .order_by("-added_at")[:limit]
    )
    for attachment in attachments:
        seen.setdefault(attachment.blob_id, {"blob": attachment.blob, "name": attachment.original_name})
    for order in list_orders(user=user)[:limit]:
        seen.setdefault(order.blob_id, {"blob": order.blob, "name": order.title})
    return list(seen.values())[:limit]


def get_audio(*, user: Any, sha256: str) -> MediaBlob | None:
    """The audio blob with ``sha256`` if ``user`` can reach it (as above, or already played by a command
    in their area), else None."""
    blob = MediaBlob.objects.filter(sha256=sha256, kind="audio").first()
    if blob is None:
        return None
    reachable = (
        access.scope(user, Attachment.objects.filter(blob=blob), access.CONTENT_VIEW).exists()
        or access.scope(user, EmergencyOrder.objects.filter(blob=blob), access.BROADCAST_EMERGENCY).exists()
        or access.scope(
            user, CommandRecord.objects.filter(media_sha256=blob.sha256), access.BROADCAST_OPERATE
        ).exists()
    )
    return blob if reachable else None


def device_groups(*, user: Any, unit: AdministrativeUnit) -> QuerySet[DeviceGroup]:
    """Device groups of ``unit`` for the play-now form."""
    return access.scope(
        user, DeviceGroup.objects.filter(unit__path__startswith=unit.path), access.BROADCAST_OPERATE
    ).order_by("name")
