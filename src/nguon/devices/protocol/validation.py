"""Checking messages against the protocol's JSON Schemas (``schemas/*.json``, also in docs/protocol/).

The schemas are compiled once to Python code (fastjsonschema): checking a heartbeat costs a few
microseconds, which matters to the ingest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

SCHEMA_NAMES = ("command", "manifest", "heartbeat", "receipt", "event", "status", "receipt-ack", "bundle")


class MessageInvalidError(ValueError):
    """A message does not follow its schema; the text says where (never echoes the offending value)."""


@cache
def schema(name: str) -> dict[str, Any]:
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    text = resources.files("nguon.devices.protocol.schemas").joinpath(f"{name}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    compiled: Callable[[Any], Any] = fastjsonschema.compile(schema(name))
    return compiled


def validate(name: str, message: Any) -> None:
    """Raise :class:`MessageInvalidError` naming the first problem if ``message`` breaks schema ``name``."""
    try:
        _validator(name)(message)
    except fastjsonschema.JsonSchemaValueException as error:
        where = ".".join(str(p) for p in error.path[1:]) or "(root)"
        raise MessageInvalidError(f"{name}: {where}: {error.rule} check failed") from None


def is_valid(name: str, message: Any) -> bool:
    try:
        _validator(name)(message)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True
