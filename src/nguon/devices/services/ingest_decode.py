"""Decoding and checking incoming heartbeats and receipts in one C call (msgspec), for the PostgreSQL fast path.

The msgspec types below are the protocol schemas (``docs/protocol/heartbeat.json``, ``receipt.json``) written
as ``msgspec.Struct`` types: required properties have no default, optional ones a default that cannot come
from the wire (``UNSET`` where the schema does not allow null), ``additionalProperties: false`` is
``forbid_unknown_fields``, and patterns, lengths, ranges, ``const`` and ``enum`` are ``Meta`` and ``Literal``.

They are deliberately *at most* as permissive as the schemas, never more: a message they refuse is checked
again by :func:`services.ingest_parse.parse_fast` (and from there by the reference
:func:`protocol.telemetry.parse_telemetry`), so the answer for every message, reason and log line included, is
the reference one. The cases that take that slower road although the schema accepts them (all absurd for a
real device; ``tests/test_ingest_fast.py`` lists and checks them):

- a float with an integral value where the schema says ``integer`` or ``const: 1`` (``1.0``; JSON Schema
  counts it as an integer, msgspec does not);
- a key given twice where an earlier copy breaks the schema (``json.loads`` keeps the last; msgspec checks
  every copy);
- digits other than ASCII 0-9 in a timestamp (the schema's ``\\d`` is Unicode-aware in Python), a lone
  surrogate escape in a string;
- a payload with a byte-order mark or other not-quite-JSON ``json.loads`` reads (``NaN``…).

What the fast path stores for an accepted heartbeat is the payload's own JSON text (PostgreSQL parses it into
``jsonb``): for the types accepted here (integers, strings, booleans, null, objects) that is the same ``jsonb``
as ``json.dumps(json.loads(payload))``, duplicate keys included (both keep the last).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from nguon.devices.protocol import topics as t
from nguon.devices.protocol.telemetry import MAX_TELEMETRY_BYTES

# The schemas' patterns with ``\d`` as ASCII digits and ``$`` as end of text (Python's ``$`` also matches
# before a final newline; fastjsonschema writes it as ``\Z`` too).
_TS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z\Z"
Ts = Annotated[str, msgspec.Meta(pattern=_TS)]
DeviceId = Annotated[str, msgspec.Meta(pattern=r"^d-[a-z0-9]{6,32}\Z")]
ItemId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._:-]{1,64}\Z")]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}\Z")]
ReceiptId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9-]{8,64}\Z")]
NonNegative = Annotated[int, msgspec.Meta(ge=0)]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class Playing(msgspec.Struct, forbid_unknown_fields=True):
    item: ItemId
    started_at: Ts
    emergency: bool | Unset = UNSET


class Heartbeat(msgspec.Struct, forbid_unknown_fields=True):
    v: Literal[1]
    device: DeviceId
    ts: Ts
    protocol: Annotated[int, msgspec.Meta(ge=1)]
    firmware: Annotated[str, msgspec.Meta(max_length=64)]
    volume: Annotated[int, msgspec.Meta(ge=0, le=100)]
    manifest_version: NonNegative
    playing: Playing | None
    uptime_s: NonNegative
    mode: Literal["speaker", "eboard"] | Unset = UNSET
    power: Literal["on", "off"] | Unset = UNSET
    emergency: bool | Unset = UNSET
    storage_free_mb: NonNegative | Unset = UNSET
    signal_dbm: Annotated[int, msgspec.Meta(ge=-200, le=0)] | None = None
    spooled_receipts: NonNegative | Unset = UNSET


class Receipt(msgspec.Struct, forbid_unknown_fields=True):
    v: Literal[1]
    device: DeviceId
    id: ReceiptId
    item: ItemId
    manifest_version: NonNegative
    result: Literal["played", "interrupted", "failed", "skipped", "missed"]
    started_at: Ts | None
    ended_at: Ts | None
    media: Sha256 | None = None
    scheduled_at: Ts | None = None
    emergency: bool = False
    detail: Annotated[str, msgspec.Meta(max_length=500)] = ""


_HEARTBEAT = msgspec.json.Decoder(Heartbeat)
_RECEIPT = msgspec.json.Decoder(Receipt)
_PREFIX = t.ROOT + "/"
_PREFIX_LEN = len(_PREFIX)
_LEAVES = frozenset({t.HEARTBEAT, t.RECEIPT})
_DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)


def decode_heartbeat(payload: bytes) -> tuple[Heartbeat, str] | None:
    """The heartbeat and its JSON text, or None if the fast check refuses it (check again the slow way)."""
    if len(payload) > MAX_TELEMETRY_BYTES:
        return None
    try:
        text = payload.decode("utf-8")  # what the reference does first: bad UTF-8 is "not-json"
        return _HEARTBEAT.decode(text), text
    except _DECODE_ERRORS:
        return None


def decode_receipt(payload: bytes) -> Receipt | None:
    if len(payload) > MAX_TELEMETRY_BYTES:
        return None
    try:
        return _RECEIPT.decode(payload.decode("utf-8"))
    except _DECODE_ERRORS:
        return None


def split_topic(topic: str) -> tuple[str, str] | None:
    """``(device id, "heartbeat" | "receipt")`` for a heartbeat or receipt topic with a well-formed device id;
    None for anything else (the caller checks it the reference way)."""
    if not topic.startswith(_PREFIX):
        return None
    device_id, _, rest = topic[_PREFIX_LEN:].partition("/")
    if rest not in _LEAVES or not t.DEVICE_ID_RE.match(device_id):
        return None
    return device_id, rest
