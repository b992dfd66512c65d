"""What devices call with their bearer token: their manifest (ETag / 304) and its media (Range)."""

from __future__ import annotations

import gzip
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router
from ninja.security.http import HttpAuthBase

from nguon.content.models import MediaBlob
from nguon.core.schemas import ErrorOut
from nguon.devices.api.media import media_response
from nguon.devices.models import Device
from nguon.devices.protocol.commands import encode
from nguon.devices.protocol.manifests import sign_manifest
from nguon.devices.selectors.registry import (
    device_may_fetch,
    get_current_etag,
    get_current_manifest,
    get_device_by_token,
)
from nguon.devices.signing import server_key

router = Router(tags=["devices"])


class DeviceTokenAuth(HttpAuthBase):
    """``Authorization: Bearer <token from the provisioning bundle>``; the token is never logged."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Device | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return get_device_by_token(token=token.strip())


#: Manifests smaller than this go uncompressed (gzip would not pay for its header).
GZIP_FROM_BYTES = 1024


def _accepts_gzip(request: HttpRequest) -> bool:
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() == "gzip" and params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00"}:
            return True
    return False


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


@router.get(
    "/me/manifest",
    auth=DeviceTokenAuth(),
    response={200: dict[str, Any], 304: None, 401: ErrorOut, 404: ErrorOut},
    summary="The calling device's signed manifest (docs/device-protocol.md); 304 for If-None-Match",
)
def my_manifest(request: HttpRequest) -> HttpResponse:
    device: Device = request.auth  # type: ignore[attr-defined]
    if_none_match = request.headers.get("If-None-Match", "")
    if if_none_match:
        # Most polls find nothing new: answer them from the ETag alone, without reading the manifest body.
        etag = get_current_etag(device=device)
        if etag is not None and _matches(if_none_match, etag):
            return _cache_headers(HttpResponse(status=304), etag)
    manifest = get_current_manifest(device=device)
    if manifest is None:
        raise Http404
    body = encode(sign_manifest(server_key(), manifest.body))
    compress = _accepts_gzip(request) and len(body) >= GZIP_FROM_BYTES
    response = HttpResponse(gzip.compress(body, 6) if compress else body, content_type="application/json")
    if compress:
        response["Content-Encoding"] = "gzip"
    return _cache_headers(response, manifest.etag)


def _cache_headers(response: HttpResponse, etag: str) -> HttpResponse:
    # The ETag names the manifest version (the same in both encodings: a device compares versions, not
    # bytes); Vary keeps shared caches from mixing the encodings.
    response["Vary"] = "Accept-Encoding, Authorization"
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get(
    "/me/media/{sha256}",
    auth=DeviceTokenAuth(),
    response={200: None, 206: None, 401: ErrorOut, 404: ErrorOut, 416: None},
    summary="A media file of the calling device's manifest, by SHA-256 (Range supported)",
)
def my_media(request: HttpRequest, sha256: str) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    if len(sha256) != 64 or not device_may_fetch(device=device, sha256=sha256):
        raise Http404
    blob = MediaBlob.objects.filter(sha256=sha256).first()
    if blob is None:
        raise Http404
    return media_response(blob, request.headers.get("Range", ""))
