"""API of radio emergencies."""

from ninja import Router

router = Router()
