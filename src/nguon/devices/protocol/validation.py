"""Checking messages against the protocol's JSON Schemas (``schemas/*.json``, also in docs/protocol/)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_NAMES = ("command", "manifest", "heartbeat", "receipt", "event", "status", "receipt-ack", "bundle")


class MessageInvalidError(ValueError):
    """A message does not follow its schema; the text says where (never echoes secrets)."""


@cache
def schema(name: str) -> dict[str, Any]:
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    text = resources.files("nguon.devices.protocol.schemas").joinpath(f"{name}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


def validate(name: str, message: Any) -> None:
    """Raise :class:`MessageInvalidError` naming the first problem if ``message`` breaks schema ``name``."""
    error = next(iter(sorted(_validator(name).iter_errors(message), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise MessageInvalidError(f"{name}: {where}: {error.validator} check failed")


def is_valid(name: str, message: Any) -> bool:
    return _validator(name).is_valid(message)
