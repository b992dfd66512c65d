"""API of the translations app, under /api/v1/translations/: translations of bulletins."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["translations"])
