"""API of the centralsync app, under /api/v1/centralsync/: the upward push to the central system and its exchange log."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["centralsync"])
