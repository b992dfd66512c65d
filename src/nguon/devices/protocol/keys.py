"""Ed25519 keys: the server signs commands and manifests, devices verify with the public key.

Keys travel as standard base64: the 32-byte private seed (``NGUON_DEVICE_SIGNING_KEY``) and the 32-byte
raw public key (in the provisioning bundle). Signatures are standard base64 of the 64-byte signature.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SEED_BYTES = 32


class KeyFormatError(ValueError):
    """A key is not base64 of the expected 32 bytes."""


def _b64_32(value: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"{what}: not valid base64") from None
    if len(raw) != SEED_BYTES:
        raise KeyFormatError(f"{what}: expected {SEED_BYTES} bytes, got {len(raw)}")
    return raw


class SigningKey:
    """The server's private key."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed_b64(cls, seed: str) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(_b64_32(seed, "signing key")))

    def seed_b64(self) -> str:
        raw = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return base64.b64encode(raw).decode("ascii")

    def public_b64(self) -> str:
        return base64.b64encode(
            self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        ).decode("ascii")

    def public_key(self) -> VerifyKey:
        return VerifyKey(self._private.public_key())

    def sign_b64(self, data: bytes) -> str:
        return base64.b64encode(self._private.sign(data)).decode("ascii")


class VerifyKey:
    """The server's public key, as a device holds it."""

    def __init__(self, public: Ed25519PublicKey) -> None:
        self._public = public

    @classmethod
    def from_b64(cls, value: str) -> VerifyKey:
        return cls(Ed25519PublicKey.from_public_bytes(_b64_32(value, "public key")))

    def verify_b64(self, signature: str, data: bytes) -> bool:
        """True only for a well-formed signature of ``data`` by the matching private key."""
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError, TypeError):
            return False
        try:
            self._public.verify(raw, data)
        except (InvalidSignature, ValueError):
            return False
        return True
