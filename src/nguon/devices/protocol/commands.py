"""Signed commands: building and signing them (server), checking them (device).

A device accepts a command only when all of these hold, checked in this order; the first failure is
the refusal reason it reports: ``malformed`` (not JSON, too large, or against the schema),
``unsupported-version``, ``unsigned``, ``forged`` (bad signature), ``misaddressed`` (another device's
id, or a group the device was not provisioned into), ``stale`` (``ts`` further than the window from the
device's clock) and ``replayed`` (``seq`` not above the last accepted one of its stream: the device's own
commands, or that group's). The sequence number is stored before the command is carried out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nguon.devices.protocol import MESSAGE_VERSION, SUPPORTED_LEVELS
from nguon.devices.protocol.canonical import canonical_json
from nguon.devices.protocol.keys import SigningKey, VerifyKey
from nguon.devices.protocol.replay import DEVICE_STREAM, SequenceStore
from nguon.devices.protocol.timestamps import format_ts, parse_ts, utc_now
from nguon.devices.protocol.validation import MessageInvalidError, validate

MAX_COMMAND_BYTES = 16 * 1024
DEFAULT_WINDOW = timedelta(seconds=120)
#: time-sync exists to correct a clock that drifted, so it is accepted from further away.
TIME_SYNC_WINDOW = timedelta(hours=24)

COMMAND_TYPES = (
    "manifest-changed",
    "play-now",
    "emergency-start",
    "emergency-stop",
    "stop",
    "volume",
    "power",
    "reboot",
    "time-sync",
    "live-start",
    "live-stop",
)
REFUSAL_REASONS = (
    "malformed",
    "unsupported-version",
    "unsigned",
    "forged",
    "misaddressed",
    "stale",
    "replayed",
)


def signing_input(envelope: dict[str, Any]) -> bytes:
    """The bytes a signature covers: the canonical JSON of every member except ``sig``."""
    return canonical_json({k: v for k, v in envelope.items() if k != "sig"})


def sign_command(
    key: SigningKey,
    *,
    device: str = "",
    group: str = "",
    seq: int,
    type: str,
    body: dict[str, Any],
    ts: datetime | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """A complete, signed command envelope for one ``device`` or, from protocol level 2, one ``group``,
    validated against the schema before it leaves unless ``check`` is off (a fan-out validates its first
    envelope and signs the others without re-checking)."""
    if bool(device) == bool(group):
        raise ValueError("a command is addressed to a device or to a group")
    envelope: dict[str, Any] = {
        "v": MESSAGE_VERSION,
        **({"device": device} if device else {"group": group}),
        "seq": seq,
        "ts": format_ts(ts or utc_now()),
        "type": type,
        "body": body,
    }
    envelope["sig"] = key.sign_b64(signing_input(envelope))
    if check:
        validate("command", envelope)
    return envelope


def encode(message: dict[str, Any]) -> bytes:
    """Wire form of any protocol message: compact UTF-8 JSON (the canonical form, for simplicity)."""
    return canonical_json(message)


@dataclass(frozen=True)
class Command:
    """A command that passed every check."""

    device: str
    seq: int
    ts: datetime
    type: str
    body: dict[str, Any]
    group: str = ""
    """The group of a group command ("" for the device's own); ``seq`` counts within it."""


class CommandRefusedError(Exception):
    """The command was refused; ``reason`` is one of :data:`REFUSAL_REASONS`."""

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        seq: int | None = None,
        type: str | None = None,
        group: str | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.seq = seq
        self.type = type
        self.group = group


class CommandVerifier:
    """The device side: checks every incoming command and remembers the last accepted sequence of each
    stream. ``groups`` are the command groups the device was provisioned into (the bundle's
    ``command_group``; empty at protocol level 1)."""

    def __init__(
        self,
        *,
        device_id: str,
        public_key: VerifyKey,
        sequences: SequenceStore,
        window: timedelta = DEFAULT_WINDOW,
        clock: Callable[[], datetime] = utc_now,
        groups: frozenset[str] = frozenset(),
    ) -> None:
        self.device_id = device_id
        self.groups = groups
        self.public_key = public_key
        self.sequences = sequences
        self.window = window
        self.clock = clock

    def verify(self, payload: bytes) -> Command:
        """Return the command, or raise :class:`CommandRefusedError`. Accepting it advances the sequence."""
        if len(payload) > MAX_COMMAND_BYTES:
            raise CommandRefusedError("malformed", f"larger than {MAX_COMMAND_BYTES} bytes")
        try:
            envelope = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CommandRefusedError("malformed", "not UTF-8 JSON") from None
        if not isinstance(envelope, dict):
            raise CommandRefusedError("malformed", "not a JSON object")
        seq = envelope.get("seq") if isinstance(envelope.get("seq"), int) else None
        kind = envelope.get("type") if isinstance(envelope.get("type"), str) else None
        group = envelope.get("group") if isinstance(envelope.get("group"), str) else None

        def refuse(reason: str, detail: str = "") -> CommandRefusedError:
            return CommandRefusedError(reason, detail, seq=seq, type=kind, group=group)

        if envelope.get("v") not in SUPPORTED_LEVELS:
            raise refuse("unsupported-version", f"v={envelope.get('v')!r}")
        if not envelope.get("sig"):
            raise refuse("unsigned")
        try:
            validate("command", envelope)
        except MessageInvalidError as error:
            raise refuse("malformed", str(error)) from None
        if not self.public_key.verify_b64(envelope["sig"], signing_input(envelope)):
            raise refuse("forged", "signature does not verify")
        if group is None and envelope["device"] != self.device_id:
            raise refuse("misaddressed", f"for {envelope['device']}")
        if group is not None and group not in self.groups:
            raise refuse("misaddressed", f"for group {group}")
        stream = group or DEVICE_STREAM
        ts = parse_ts(envelope["ts"])
        window = TIME_SYNC_WINDOW if kind == "time-sync" else self.window
        skew = abs(self.clock() - ts)
        if skew > window:
            raise refuse("stale", f"{int(skew.total_seconds())} s from the device clock")
        if envelope["seq"] <= self.sequences.last(stream):
            raise refuse("replayed", f"seq {envelope['seq']} ≤ last accepted {self.sequences.last(stream)}")
        self.sequences.advance(envelope["seq"], stream)
        return Command(
            device=self.device_id,
            seq=envelope["seq"],
            ts=ts,
            type=envelope["type"],
            body=envelope["body"],
            group=group or "",
        )
