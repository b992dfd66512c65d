"""API of radio live."""

from ninja import Router

router = Router()
