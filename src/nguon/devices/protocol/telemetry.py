"""Messages a device sends (heartbeat, receipt, event, status) and the server's acknowledgement.

The server side checks every incoming message the same way: size, UTF-8 JSON, schema, and that the
``device`` inside matches the topic (the broker's ACL already ties the topic to the credentials).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nguon.devices.protocol import MESSAGE_VERSION
from nguon.devices.protocol import topics as t
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.protocol.validation import MessageInvalidError, validate

MAX_TELEMETRY_BYTES = 8 * 1024
SCHEMA_OF_LEAF = {t.HEARTBEAT: "heartbeat", t.RECEIPT: "receipt", t.EVENT: "event", t.STATUS: "status"}


class TelemetryRejectedError(ValueError):
    """Dropped input; ``reason`` is a short code (topic, too-large, not-json, schema, device-mismatch)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Telemetry:
    device_id: str
    leaf: str
    message: dict[str, Any]


def parse_telemetry(topic: str, payload: bytes, *, max_bytes: int = MAX_TELEMETRY_BYTES) -> Telemetry:
    parsed = t.parse(topic)
    if parsed is None or parsed.leaf not in SCHEMA_OF_LEAF:
        raise TelemetryRejectedError("topic", topic[:200])
    if len(payload) > max_bytes:
        raise TelemetryRejectedError("too-large", f"{len(payload)} bytes > {max_bytes}")
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise TelemetryRejectedError("not-json") from None
    try:
        validate(SCHEMA_OF_LEAF[parsed.leaf], message)
    except MessageInvalidError as error:
        raise TelemetryRejectedError("schema", str(error)) from None
    if message["device"] != parsed.device_id:
        raise TelemetryRejectedError("device-mismatch", f"{message['device']} on {parsed.device_id}'s topic")
    return Telemetry(parsed.device_id, parsed.leaf, message)


def status_message(device: str, state: str, ts: datetime | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"v": MESSAGE_VERSION, "device": device, "state": state}
    if ts is not None:
        message["ts"] = format_ts(ts)
    return message


def event_message(
    device: str,
    kind: str,
    ts: datetime,
    *,
    seq: int | None = None,
    group: str | None = None,
    command: str | None = None,
    reason: str = "",
    detail: str = "",
) -> dict[str, Any]:
    """``group``: the command group of a group command's answer (its ``seq`` counts within the group)."""
    message: dict[str, Any] = {"v": MESSAGE_VERSION, "device": device, "ts": format_ts(ts), "kind": kind}
    if seq is not None:
        message["seq"] = seq
    if group and t.is_group_id(group):
        message["group"] = group
    if command is not None:
        message["command"] = command[:32]
    if reason:
        message["reason"] = reason[:64]
    if detail:
        message["detail"] = detail[:500]
    return message


def receipt_ack(device: str, ids: list[str]) -> dict[str, Any]:
    message = {"v": MESSAGE_VERSION, "device": device, "ids": ids}
    try:
        validate("receipt-ack", message)
    except MessageInvalidError as error:
        raise ValueError(str(error)) from None
    return message
