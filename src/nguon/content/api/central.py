"""API: central."""

from ninja import Router

router = Router(tags=["central"])
