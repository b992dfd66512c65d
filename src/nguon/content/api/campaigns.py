"""API: campaigns."""

from ninja import Router

router = Router(tags=["campaigns"])
