"""The demo accounts' fixed TOTP secrets (demo data only; never used outside ``nguon demo``)."""

from __future__ import annotations

import base64
import hashlib


def demo_totp_secret(username: str) -> str:
    """A fixed TOTP secret per demo account, so ``nguon demo totp USER`` can print the current code."""
    return base64.b32encode(hashlib.sha256(f"nguon-demo-totp:{username}".encode()).digest()[:20]).decode(
        "ascii"
    )
