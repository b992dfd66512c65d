"""API of radio cap."""

from ninja import Router

router = Router()
