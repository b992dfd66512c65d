"""HTTPS from the device: the manifest (with If-None-Match) and media (resumed with Range, hash-checked)."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nguon.devices.protocol.bundle import Bundle

log = logging.getLogger("nguon.agent")
TIMEOUT_S = 20
CHUNK = 64 * 1024


class FetchError(Exception):
    """The server could not be reached or answered something unusable."""


class MediaCorruptError(FetchError):
    """The downloaded bytes do not match the manifest's SHA-256 or size."""


@dataclass(frozen=True)
class ManifestResponse:
    status: int  # 200, 304 or 404 (no manifest yet)
    manifest: dict[str, Any] | None = None
    etag: str = ""


class ServerClient:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def _request(self, url: str, headers: dict[str, str]) -> urllib.request.Request:
        """A request to the server's own origin only: the bearer token never goes anywhere else."""
        if url.startswith("/"):
            url = self.bundle.base_url + url
        base, target = urlsplit(self.bundle.base_url), urlsplit(url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc) or target.scheme not in {
            "http",
            "https",
        }:
            raise FetchError(f"refusing a URL outside the server's origin: {url[:100]}")
        headers = {"Authorization": f"Bearer {self.bundle.token}", **headers}
        return urllib.request.Request(url, headers=headers)  # noqa: S310 — http(s) to the server's origin

    def manifest(self, etag: str = "") -> ManifestResponse:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}  # ~25× smaller on the wire
        if etag:
            headers["If-None-Match"] = etag
        request = self._request("/api/v1/devices/me/manifest", headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
                raw = response.read()
                if response.headers.get("Content-Encoding", "").lower() == "gzip":
                    raw = gzip.decompress(raw)
                body = json.loads(raw.decode("utf-8"))
                return ManifestResponse(200, body, response.headers.get("ETag", ""))
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return ManifestResponse(304, None, error.headers.get("ETag", etag))
            if error.code == 404:
                return ManifestResponse(404)
            raise FetchError(f"manifest: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise FetchError(f"manifest: {error}") from None

    def download(self, media: dict[str, Any], target: Path) -> None:
        """Download ``media`` to ``target``, resuming a partial ``.part`` file; verify size and SHA-256."""
        part = target.with_name(target.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        if have >= media["size"]:
            part.unlink(missing_ok=True)
            have = 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with urllib.request.urlopen(self._request(media["url"], headers), timeout=TIMEOUT_S) as response:  # noqa: S310
                mode = "ab" if have and response.status == 206 else "wb"
                with part.open(mode) as out:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
        except (urllib.error.URLError, OSError) as error:
            raise FetchError(f"media {media['sha256'][:12]}: {error}") from None
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if part.stat().st_size != media["size"] or digest.hexdigest() != media["sha256"]:
            part.unlink(missing_ok=True)
            raise MediaCorruptError(f"media {media['sha256'][:12]}: hash or size mismatch; discarded")
        part.replace(target)
