"""Checking incoming telemetry fast, with exactly the answers of :func:`protocol.telemetry.parse_telemetry`.

The protocol schemas write "null or X" as ``oneOf: [{"type": "null"}, X]``. fastjsonschema checks a
``oneOf`` by trying every branch and catching the exception of the branch that fails; building those
exceptions was the largest single cost of the ingest (about half of the schema checking). The ingest
therefore compiles its own validators from an equivalent form of the same schemas: such a ``oneOf``
becomes ``{"type": ["null", T], …X}`` when X has one type T (not null) and only keywords that apply to T
alone (``pattern``, ``maxLength``, ``properties``…), so that null can match only the first branch and any
other value only X: the two forms accept exactly the same messages. Anything else is left as it is.

On PostgreSQL, heartbeats and receipts are first decoded by msgspec (:mod:`services.ingest_decode`); this
check handles what msgspec refuses, and events and status messages.

A message the fast check refuses is checked again by :func:`parse_telemetry`, whose error (reason and
detail) is the one reported: the log lines stay the same, and if the two ever disagreed the reference
would win. Only accepting is done without the reference, which is why the rewriting must never accept
more than the original (``tests/test_ingest_fast.py`` compares them on many valid and broken messages).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema

from nguon.devices.protocol import topics as t
from nguon.devices.protocol.telemetry import (
    MAX_TELEMETRY_BYTES,
    SCHEMA_OF_LEAF,
    Telemetry,
    TelemetryRejectedError,
    parse_telemetry,
)
from nguon.devices.protocol.validation import schema

#: Keywords that constrain one JSON type only (a null passes them): safe to merge with ``"type": "null"``.
_TYPE_SPECIFIC = frozenset(
    {
        "type",
        "description",
        "title",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)
_ANNOTATIONS = frozenset({"description", "title"})
#: Where sub-schemas sit: maps of name → schema, lists of schemas, single schemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"oneOf", "anyOf", "allOf", "prefixItems"})
_SCHEMA_VALUES = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
)


def _resolve(node: Any, defs: dict[str, Any]) -> Any:
    """A node that is only a local ``$ref`` (plus annotations), replaced by a copy of its definition."""
    if isinstance(node, dict) and "$ref" in node and set(node) - _ANNOTATIONS == {"$ref"}:
        ref = node["$ref"]
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs:
            return copy.deepcopy(defs[ref[8:]])
    return node


def _null_or(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """``{"oneOf": [{"type": "null"}, X]}`` as ``{"type": ["null", T], …X}``, or None if not provably equal."""
    if set(node) - _ANNOTATIONS != {"oneOf"}:
        return None
    branches = node["oneOf"]
    if not isinstance(branches, list) or len(branches) != 2:
        return None
    nulls = [
        b
        for b in branches
        if isinstance(b, dict) and set(b) - _ANNOTATIONS == {"type"} and b["type"] == "null"
    ]
    if len(nulls) != 1:
        return None
    other = _resolve(branches[1] if branches[0] is nulls[0] else branches[0], defs)
    if not isinstance(other, dict) or not set(other) <= _TYPE_SPECIFIC:
        return None
    kind = other.get("type")
    if not isinstance(kind, str) or kind == "null":
        return None
    return {**other, "type": ["null", kind]}


def equivalent_schema(name: str) -> dict[str, Any]:
    """Schema ``name`` with every provable "null or X" ``oneOf`` written as a type union."""
    root = copy.deepcopy(schema(name))
    defs = root.get("$defs", {})

    def walk(node: Any) -> Any:  # node is a schema
        if not isinstance(node, dict):
            return node
        merged = _null_or(node, defs)
        if merged is not None:
            node = merged
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: walk(sub) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [walk(sub) for sub in value]
            elif key in _SCHEMA_VALUES:
                out[key] = walk(value)
            else:  # const, enum, required, pattern…: data, not schemas
                out[key] = value
        return out

    rewritten: dict[str, Any] = walk(root)
    return rewritten


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    compiled: Callable[[Any], Any] = fastjsonschema.compile(equivalent_schema(name))
    return compiled


def is_valid_fast(name: str, message: Any) -> bool:
    try:
        _validator(name)(message)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


_PREFIX = t.ROOT + "/"
_PREFIX_LEN = len(_PREFIX)
_VALIDATORS: dict[str, Callable[[Any], Any]] = {}


def parse_fast(topic: str, payload: bytes) -> Telemetry:
    """What :func:`parse_telemetry` returns or raises for (topic, payload), computed faster."""
    device_id, _, leaf = topic[_PREFIX_LEN:].partition("/")
    name = SCHEMA_OF_LEAF.get(leaf)
    if name is None or not topic.startswith(_PREFIX) or not t.DEVICE_ID_RE.match(device_id):
        return parse_telemetry(topic, payload)  # raises the reference error
    if len(payload) > MAX_TELEMETRY_BYTES:
        return parse_telemetry(topic, payload)
    validator = _VALIDATORS.get(name)
    if validator is None:
        validator = _VALIDATORS[name] = _validator(name)
    try:
        message = json.loads(payload.decode("utf-8"))
        validator(message)
    except (UnicodeDecodeError, ValueError, fastjsonschema.JsonSchemaValueException):
        return parse_telemetry(topic, payload)
    if message["device"] != device_id:
        return parse_telemetry(topic, payload)
    return Telemetry(device_id, leaf, message)


__all__ = ["TelemetryRejectedError", "equivalent_schema", "is_valid_fast", "parse_fast"]
