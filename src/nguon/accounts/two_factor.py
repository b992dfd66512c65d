"""TOTP two-factor authentication (RFC 6238), with secrets encrypted at rest.

The encryption key is derived from NGUON_SECRET_KEY with HKDF, so a database copy alone does not reveal
the secrets. Rotating the secret key therefore requires re-enrolling authenticators.
"""

from __future__ import annotations

import base64
import hmac
import os
import time

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ISSUER = "Nguồn"
STEP_SECONDS = 30


def _key() -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"nguon-totp", info=b"totp-secret").derive(
        settings.SECRET_KEY.encode("utf-8")
    )


def encrypt_secret(secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, secret.encode("ascii"), b"nguon-totp")
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


class UnreadableSecretError(Exception):
    """The stored secret cannot be decrypted (NGUON_SECRET_KEY changed): the person must re-enrol."""


def decrypt_secret(token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode("ascii"))
    try:
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], b"nguon-totp").decode("ascii")
    except InvalidTag:
        raise UnreadableSecretError from None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of ``uri`` for the enrolment page (no external service)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return svg


def matching_step(secret: str, code: str, *, after_step: int, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (current ±1), if later than ``after_step``; None otherwise.

    Refusing steps at or before the last used one stops a code being replayed.
    """
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    moment = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current = int(moment // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if step > after_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def current_code(secret: str) -> str:
    """The code an authenticator shows now (demo helper and tests)."""
    return str(pyotp.TOTP(secret).now())
