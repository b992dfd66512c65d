"""API of the outbound app, under /api/v1/outbound/: outbound destinations, their queues and delivery log."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["outbound"])
