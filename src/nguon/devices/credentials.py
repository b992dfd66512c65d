"""Device secrets: generated once, handed out once in the bundle, stored only as hashes.

The MQTT password hash is Mosquitto's own ``$7$`` format (PBKDF2-HMAC-SHA512, base64 salt and hash),
so ``nguon devices broker-config`` can write the broker's password file straight from the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import NamedTuple

MQTT_ITERATIONS = 1000  # the passwords are 256 random bits: the KDF's cost is not what protects them
SALT_BYTES = 12


class ActiveCredential(NamedTuple):
    """What the broker needs of a device's active credential (Mosquitto files, embedded broker)."""

    device_id: str
    password_hash: str  # Mosquitto's $7$ form
    command_group: str = ""  # protocol level 2: the group topic it may read too


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def mosquitto_hash(password: str, *, iterations: int = MQTT_ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_mosquitto_hash(password: str, hashed: str) -> bool:
    try:
        _, kind, iterations, salt, digest = hashed.split("$")
        if kind != "7":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac(
            "sha512", password.encode("utf-8"), base64.b64decode(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
