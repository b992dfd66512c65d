"""The server's Ed25519 signing key (commands and manifests).

From ``NGUON_DEVICE_SIGNING_KEY`` (base64 of the 32-byte seed), which production requires before any
device is provisioned or commanded. Outside production an unset key is generated once into
``$NGUON_DATA_DIR/device-signing-key`` (mode 0600) so that provisioned devices keep trusting the server
across restarts.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nguon.devices.protocol.keys import SigningKey

KEY_FILE = "device-signing-key"
_lock = threading.Lock()
_cache: dict[tuple[str, str], SigningKey] = {}


def _from_file(path: Path) -> SigningKey:
    if path.exists():
        return SigningKey.from_seed_b64(path.read_text("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return SigningKey.from_seed_b64(path.read_text("ascii"))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.seed_b64() + "\n")
    return key


def server_key() -> SigningKey:
    configured: str = settings.NGUON_DEVICE_SIGNING_KEY
    path = Path(settings.DATA_DIR) / KEY_FILE
    cache_key = (configured, str(path))
    with _lock:
        if cache_key not in _cache:
            if configured:
                _cache[cache_key] = SigningKey.from_seed_b64(configured)
            elif settings.NGUON_ENV == "production":
                raise ImproperlyConfigured(
                    "NGUON_DEVICE_SIGNING_KEY is required in production to provision and command devices "
                    "(see docs/configuration.md)."
                )
            else:
                _cache[cache_key] = _from_file(path)
        return _cache[cache_key]


def server_public_key_b64() -> str:
    return server_key().public_b64()
