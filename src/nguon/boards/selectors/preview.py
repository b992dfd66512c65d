"""What the staff preview of a board reads: the board (in the person's scope), its current manifest and
the media that manifest uses — the same manifest the board itself fetches, so the preview shows exactly
what the board shows."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from nguon.content.models import MediaBlob
from nguon.core import access
from nguon.devices.models import Device, DeviceManifest
from nguon.devices.selectors.registry import get_current_manifest

#: Who may preview a board: those who see the fleet, and those who make the boards' content.
PREVIEW_ACTIONS = (access.DEVICES_VIEW, access.BOARDS_MANAGE)


def preview_device(*, user: Any, device_id: str) -> Device:
    """The e-board ``device_id`` if ``user`` may see it (devices.view or boards.manage); 404 otherwise."""
    base = Device.objects.select_related("unit").filter(device_id=device_id, kind="eboard")
    for action in PREVIEW_ACTIONS:
        device = access.scope(user, base, action).first()
        if device is not None:
            return device
    raise Http404


def media_of(body: dict[str, Any]) -> set[str]:
    """Every media hash an e-board manifest body uses (slides and their side panels)."""
    hashes: set[str] = set()
    for item in body.get("items", []):
        if "media" in item:
            hashes.add(item["media"]["sha256"])
        for slide in item.get("slides", []):
            for media in (slide.get("media"), (slide.get("side") or {}).get("media")):
                if media:
                    hashes.add(media["sha256"])
    return hashes


def preview_manifest(*, user: Any, device_id: str) -> tuple[Device, DeviceManifest | None]:
    device = preview_device(user=user, device_id=device_id)
    return device, get_current_manifest(device=device)


def preview_media(*, user: Any, device_id: str, sha256: str) -> MediaBlob:
    """A media file of the board's current manifest; 404 for anything else."""
    _device, manifest = preview_manifest(user=user, device_id=device_id)
    if manifest is None or sha256 not in (set(manifest.media_sha256) | media_of(manifest.body)):
        raise Http404
    blob = MediaBlob.objects.filter(sha256=sha256).first()
    if blob is None:
        raise Http404
    return blob
