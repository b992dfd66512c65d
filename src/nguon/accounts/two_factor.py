"""TOTP two-factor authentication (RFC 6238), with secrets encrypted at rest.

Secrets are sealed with :mod:`nguon.core.crypto` (a key derived from NGUON_SECRET_KEY), so a database
copy alone does not reveal them. Rotating the secret key therefore requires re-enrolling authenticators.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

from nguon.core import crypto

ISSUER = "Nguồn"
STEP_SECONDS = 30


UnreadableSecretError = crypto.UnreadableSecretError


def encrypt_secret(secret: str) -> str:
    return crypto.seal(secret, purpose="totp")


def decrypt_secret(token: str) -> str:
    return crypto.unseal(token, purpose="totp")


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
