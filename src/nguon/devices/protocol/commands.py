"""Signed commands: building and signing them (server), checking them (device).

A device accepts a command only when all of these hold, checked in this order; the first failure is
the refusal reason it reports: ``malformed`` (not JSON, too large, or against the schema),
``unsupported-version``, ``unsigned``, ``forged`` (bad signature), ``misaddressed`` (another device's
id), ``stale`` (``ts`` further than the window from the device's clock) and ``replayed`` (``seq`` not
above the last accepted one). The sequence number is stored before the command is carried out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nguon.devices.protocol import PROTOCOL_LEVEL, SUPPORTED_LEVELS
from nguon.devices.protocol.canonical import canonical_json
from nguon.devices.protocol.keys import SigningKey, VerifyKey
from nguon.devices.protocol.replay import SequenceStore
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
    device: str,
    seq: int,
    type: str,
    body: dict[str, Any],
    ts: datetime | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """A complete, signed command envelope, validated against the schema before it leaves unless
    ``check`` is off (a fan-out validates its first envelope and signs the others without re-checking)."""
    envelope: dict[str, Any] = {
        "v": PROTOCOL_LEVEL,
        "device": device,
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


class CommandRefusedError(Exception):
    """The command was refused; ``reason`` is one of :data:`REFUSAL_REASONS`."""

    def __init__(
        self, reason: str, detail: str = "", *, seq: int | None = None, type: str | None = None
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.seq = seq
        self.type = type


class CommandVerifier:
    """The device side: checks every incoming command and remembers the last accepted sequence."""

    def __init__(
        self,
        *,
        device_id: str,
        public_key: VerifyKey,
        sequences: SequenceStore,
        window: timedelta = DEFAULT_WINDOW,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.device_id = device_id
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
        if envelope.get("v") not in SUPPORTED_LEVELS:
            raise CommandRefusedError("unsupported-version", f"v={envelope.get('v')!r}", seq=seq, type=kind)
        if not envelope.get("sig"):
            raise CommandRefusedError("unsigned", seq=seq, type=kind)
        try:
            validate("command", envelope)
        except MessageInvalidError as error:
            raise CommandRefusedError("malformed", str(error), seq=seq, type=kind) from None
        if not self.public_key.verify_b64(envelope["sig"], signing_input(envelope)):
            raise CommandRefusedError("forged", "signature does not verify", seq=seq, type=kind)
        if envelope["device"] != self.device_id:
            raise CommandRefusedError("misaddressed", f"for {envelope['device']}", seq=seq, type=kind)
        ts = parse_ts(envelope["ts"])
        window = TIME_SYNC_WINDOW if kind == "time-sync" else self.window
        skew = abs(self.clock() - ts)
        if skew > window:
            raise CommandRefusedError(
                "stale", f"{int(skew.total_seconds())} s from the device clock", seq=seq, type=kind
            )
        if envelope["seq"] <= self.sequences.last():
            raise CommandRefusedError(
                "replayed",
                f"seq {envelope['seq']} ≤ last accepted {self.sequences.last()}",
                seq=seq,
                type=kind,
            )
        self.sequences.advance(envelope["seq"])
        return Command(
            device=envelope["device"],
            seq=envelope["seq"],
            ts=ts,
            type=envelope["type"],
            body=envelope["body"],
        )
