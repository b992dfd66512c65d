"""API of radio programmes."""

from ninja import Router

router = Router()
