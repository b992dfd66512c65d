"""MQTT topics. Every device has its own subtree ``nguon/v1/d/<device_id>/``; from protocol level 2 a
device also reads the command topic of the one group it was provisioned into, ``nguon/v1/g/<group>/cmd``."""

from __future__ import annotations

import re
from dataclasses import dataclass

PROTOCOL_ROOT = "nguon/v1"
ROOT = f"{PROTOCOL_ROOT}/d"
DEVICE_ID_RE = re.compile(r"^d-[a-z0-9]{6,32}$")
GROUP_ROOT = f"{PROTOCOL_ROOT}/g"
#: ``g-<unit code>-<mode>``, e.g. ``g-05881-speaker``: the devices of one mode in one unit.
GROUP_ID_RE = re.compile(r"^g-[a-z0-9-]{3,40}$")

COMMAND = "cmd"  # server → device, signed commands (QoS 1)
ACK = "ack"  # server → device, receipt acknowledgements (QoS 1)
HEARTBEAT = "tele/heartbeat"  # device → server (QoS 0 or 1)
RECEIPT = "tele/receipt"  # device → server (QoS 1)
EVENT = "tele/event"  # device → server (QoS 1)
STATUS = "status"  # device → server, retained "online"/"offline" (also the last will)

DEVICE_PUBLISHES = (HEARTBEAT, RECEIPT, EVENT, STATUS)
DEVICE_SUBSCRIBES = (COMMAND, ACK)

#: What the ingest subscribes to: every device's telemetry and status.
INGEST_SUBSCRIPTIONS = (f"{ROOT}/+/tele/+", f"{ROOT}/+/status")


def is_device_id(value: str) -> bool:
    return bool(DEVICE_ID_RE.match(value))


def is_group_id(value: str) -> bool:
    return bool(GROUP_ID_RE.match(value))


def group_topic(group: str) -> str:
    """The one topic a group command is published on."""
    if not is_group_id(group):
        raise ValueError(f"not a group id: {group!r}")
    return f"{GROUP_ROOT}/{group}/{COMMAND}"


def topic(device_id: str, leaf: str) -> str:
    if not is_device_id(device_id):
        raise ValueError(f"not a device id: {device_id!r}")
    return f"{ROOT}/{device_id}/{leaf}"


@dataclass(frozen=True)
class ParsedTopic:
    device_id: str
    leaf: str


def parse(name: str) -> ParsedTopic | None:
    """``nguon/v1/d/<id>/<leaf>`` → (id, leaf), or None when it is not a protocol topic."""
    prefix = ROOT + "/"
    if not name.startswith(prefix):
        return None
    device_id, _, leaf = name[len(prefix) :].partition("/")
    if not is_device_id(device_id) or leaf not in (*DEVICE_PUBLISHES, *DEVICE_SUBSCRIBES):
        return None
    return ParsedTopic(device_id, leaf)
