"""Manifests: what a device plays and when, signed by the server, served over HTTPS with an ETag.

The ETag is ``"<version>-<first 20 hex of SHA-256 of the canonical unsigned manifest>"``: it changes
whenever anything in the manifest changes, and a device that sends it back in ``If-None-Match`` gets 304.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from nguon.devices.protocol import MESSAGE_VERSION
from nguon.devices.protocol.commands import signing_input
from nguon.devices.protocol.keys import SigningKey, VerifyKey
from nguon.devices.protocol.timestamps import format_ts, parse_ts
from nguon.devices.protocol.validation import MessageInvalidError, validate

#: The most items one manifest may hold (the schema's ``maxItems``).
MAX_ITEMS = 2000
#: An item may still start this long after its ``start`` unless it says otherwise (``start_until``).
DEFAULT_START_GRACE = timedelta(seconds=300)


class ManifestInvalidError(ValueError):
    """A manifest failed its schema, its signature or its addressee check."""


def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items as a manifest holds them: by start time, then id."""
    return sorted(items, key=lambda item: (item["start"], item["id"]))


def build_manifest(
    *,
    device: str,
    version: int,
    mode: str,
    items: list[dict[str, Any]],
    generated_at: datetime,
    emergency: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned manifest (what the server stores); items in :func:`ordered` order."""
    return {
        "v": MESSAGE_VERSION,
        "device": device,
        "version": version,
        "generated_at": format_ts(generated_at),
        "mode": mode,
        "items": ordered(items),
        "emergency": emergency,
    }


def content_hash(manifest: dict[str, Any]) -> str:
    return hashlib.sha256(signing_input(manifest)).hexdigest()


def manifest_etag(manifest: dict[str, Any]) -> str:
    return f'"{manifest["version"]}-{content_hash(manifest)[:20]}"'


def sign_manifest(key: SigningKey, manifest: dict[str, Any]) -> dict[str, Any]:
    signed = {k: v for k, v in manifest.items() if k != "sig"}
    signed["sig"] = key.sign_b64(signing_input(signed))
    validate("manifest", signed)
    return signed


def verify_manifest(public_key: VerifyKey, manifest: Any, *, device_id: str) -> dict[str, Any]:
    """The manifest itself if it is well-formed, signed by the server and addressed to ``device_id``."""
    try:
        validate("manifest", manifest)
    except MessageInvalidError as error:
        raise ManifestInvalidError(str(error)) from None
    if not public_key.verify_b64(manifest["sig"], signing_input(manifest)):
        raise ManifestInvalidError("signature does not verify")
    if manifest["device"] != device_id:
        raise ManifestInvalidError(f"manifest is for {manifest['device']}")
    checked: dict[str, Any] = manifest
    return checked


def start_window(item: dict[str, Any]) -> tuple[datetime, datetime]:
    """When the item may start: from ``start`` until ``start_until`` (default start + 300 s)."""
    start = parse_ts(item["start"])
    until = parse_ts(item["start_until"]) if item.get("start_until") else start + DEFAULT_START_GRACE
    return start, until
