"""Secrets stored in the database (TOTP seeds, TTS service keys), sealed with AES-GCM.

Each purpose gets its own key, derived with HKDF from NGUON_SECRET_KEY, so a copy of the database alone
reveals nothing. Rotating the secret key makes stored secrets unreadable (:class:`UnreadableSecretError`):
they must be entered again.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnreadableSecretError(Exception):
    """The stored secret cannot be decrypted (NGUON_SECRET_KEY changed, or the value was altered)."""


def _key(purpose: str) -> bytes:
    return HKDF(
        algorithm=SHA256(), length=32, salt=f"nguon-{purpose}".encode(), info=purpose.encode()
    ).derive(settings.SECRET_KEY.encode("utf-8"))


def seal(plain: str, *, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, plain.encode("utf-8"), purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(token: str, *, purpose: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose.encode()).decode("utf-8")
    except (InvalidTag, ValueError):
        raise UnreadableSecretError from None
