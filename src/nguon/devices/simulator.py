"""Virtual devices: many protocol-speaking devices in one asyncio process (``nguon simulate``).

Each virtual device uses the real protocol code (command checks, manifest signature checks, telemetry
schemas) over its own MQTT connection and credentials; it fetches its manifest over HTTPS but does not
download media: it "plays" an item by waiting for its duration, then reports a receipt. Receipts stay
in memory until the server acknowledges them, and are sent again after ``ack_timeout_s`` — so with
``loss`` (the share of outgoing telemetry dropped on purpose) nothing is lost, only late. With
``offline_ratio``, that share of devices drop their connection now and then (the broker sends their
last will) and come back. No Django here: benchmarks and tests run it as they like.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiomqtt

from nguon.agent import FIRMWARE
from nguon.agent.fetch import FetchError, ServerClient
from nguon.agent.player import make_receipt
from nguon.devices.protocol import MESSAGE_VERSION, PROTOCOL_LEVEL
from nguon.devices.protocol import topics as t
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.protocol.commands import Command, CommandRefusedError, CommandVerifier, encode
from nguon.devices.protocol.keys import VerifyKey
from nguon.devices.protocol.manifests import ManifestInvalidError, start_window, verify_manifest
from nguon.devices.protocol.replay import MemorySequenceStore
from nguon.devices.protocol.telemetry import event_message, status_message
from nguon.devices.protocol.timestamps import format_ts, utc_now
from nguon.devices.protocol.validation import is_valid

log = logging.getLogger("nguon.simulator")


@dataclass(frozen=True)
class SimOptions:
    heartbeat_s: float = 60.0
    loss: float = 0.0
    offline_ratio: float = 0.0
    offline_every_s: tuple[float, float] = (30.0, 120.0)
    offline_for_s: tuple[float, float] = (5.0, 30.0)
    ack_timeout_s: float = 30.0
    max_play_s: float = 5.0
    tick_s: float = 0.5
    fetch_manifests: bool = True
    seed: int | None = None


@dataclass
class FleetStats:
    counts: Counter[str] = field(default_factory=Counter)
    #: seconds from a command's signed ts to the moment the device accepted it, per command type
    command_latency: dict[str, list[float]] = field(default_factory=dict)


class _GoOfflineError(Exception):
    pass


class VirtualDevice:
    def __init__(self, bundle: Bundle, options: SimOptions, stats: FleetStats, rng: random.Random) -> None:
        self.bundle = bundle
        self.device = bundle.device
        self.options = options
        self.stats = stats
        self.rng = rng
        self.verifier = CommandVerifier(
            device_id=self.device,
            public_key=VerifyKey.from_b64(bundle.server_public_key),
            sequences=MemorySequenceStore(),
            groups=frozenset({bundle.command_group} - {""}),
        )
        self.server = ServerClient(bundle)
        self.manifest: dict[str, Any] | None = None
        self.etag = ""
        self.handled: set[str] = set()
        self.spool: dict[str, dict[str, Any]] = {}
        self.sent_at: dict[str, float] = {}
        self.playing: dict[str, Any] | None = None
        self.emergency = False
        self.live_stop: asyncio.Event | None = None  # set to end the live broadcast being "relayed"
        self.started = time.monotonic()
        self.flaky = rng.random() < options.offline_ratio
        self._client: aiomqtt.Client | None = None

    # -- sending ---------------------------------------------------------------------------------------
    async def _send(self, leaf: str, message: dict[str, Any], *, droppable: bool = True) -> None:
        if self._client is None:
            return
        if droppable and self.rng.random() < self.options.loss:
            self.stats.counts["dropped_on_purpose"] += 1
            return
        await self._client.publish(t.topic(self.device, leaf), encode(message), qos=1)

    async def _event(self, kind: str, **fields: Any) -> None:
        await self._send(t.EVENT, event_message(self.device, kind, utc_now(), **fields))

    def _heartbeat(self) -> dict[str, Any]:
        return {
            "v": MESSAGE_VERSION,
            "device": self.device,
            "ts": format_ts(utc_now()),
            "protocol": PROTOCOL_LEVEL,
            "firmware": f"{FIRMWARE} (simulated)",
            "mode": self.bundle.mode,
            "volume": 70,
            "emergency": self.emergency,
            "manifest_version": self.manifest["version"] if self.manifest else 0,
            "playing": self.playing,
            "uptime_s": int(time.monotonic() - self.started),
            "spooled_receipts": len(self.spool),
        }

    async def _flush(self) -> None:
        deadline = time.monotonic() - self.options.ack_timeout_s
        for receipt_id, receipt in list(self.spool.items()):
            if self.sent_at.get(receipt_id, 0.0) < deadline:
                self.sent_at[receipt_id] = time.monotonic()
                self.stats.counts["receipts_sent"] += 1
                await self._send(t.RECEIPT, receipt)

    # -- playing (virtually) ---------------------------------------------------------------------------
    async def _play(
        self,
        item: dict[str, Any],
        *,
        emergency: bool,
        scheduled_at: str | None,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Pretend to play a media or stream item (a live one, with ``duration_ms`` 0, until ``stop``)."""
        started = utc_now()
        self.playing = {"item": item["id"], "started_at": format_ts(started), "emergency": emergency}
        seconds = item["duration_ms"] / 1000 or self.options.max_play_s
        result = "played"
        if stop is None:
            await asyncio.sleep(min(seconds, self.options.max_play_s))
        elif await _sleep_or_stop(stop, min(seconds, self.options.max_play_s)):
            result = "interrupted"
        if self.playing is not None and self.playing["item"] == item["id"]:
            self.playing = None
        receipt = make_receipt(
            self.device,
            item,
            manifest_version=self.manifest["version"] if self.manifest else 0,
            result=result,
            scheduled_at=scheduled_at,
            started_at=started,
            ended_at=utc_now(),
            emergency=emergency,
            detail="live" if stop is not None else "",
        )
        self.spool[receipt["id"]] = receipt
        self.stats.counts["receipts_made"] += 1
        await self._flush()

    async def _schedule(self) -> None:
        if self.manifest is None or self.playing is not None or self.emergency:
            return
        now = utc_now()
        for item in self.manifest["items"]:
            key = f"{item['id']}@{item['start']}"
            start, until = start_window(item)
            if key in self.handled or now < start:
                continue
            self.handled.add(key)
            if now <= until:
                asyncio.create_task(self._play(item, emergency=False, scheduled_at=item["start"]))  # noqa: RUF006
                return

    async def _sync(self) -> None:
        if not self.options.fetch_manifests:
            return
        try:
            response = await asyncio.to_thread(self.server.manifest, self.etag)
        except FetchError as error:
            self.stats.counts["manifest_errors"] += 1
            log.debug("%s: %s", self.device, error)
            return
        if response.status != 200:
            return
        try:
            self.manifest = verify_manifest(
                self.verifier.public_key, response.manifest, device_id=self.device
            )
        except ManifestInvalidError as error:
            await self._event("manifest-error", detail=str(error))
            return
        self.etag = response.etag
        self.emergency = self.manifest.get("emergency") is not None
        self.stats.counts["manifests"] += 1

    # -- commands --------------------------------------------------------------------------------------
    async def _command(self, command: Command) -> None:
        latency = (utc_now() - command.ts).total_seconds()
        self.stats.command_latency.setdefault(command.type, []).append(latency)
        self.stats.counts[f"command:{command.type}"] += 1
        await self._event("command-accepted", seq=command.seq, group=command.group, command=command.type)
        if command.type == "manifest-changed":
            await self._sync()
        elif command.type in {"emergency-start", "play-now"}:
            self.emergency = command.type == "emergency-start"
            asyncio.create_task(self._play(command.body["item"], emergency=self.emergency, scheduled_at=None))  # noqa: RUF006
        elif command.type == "emergency-stop":
            self.emergency = False
        elif command.type == "live-start" and not self.emergency:
            if self.live_stop is not None:
                self.live_stop.set()
            self.live_stop = asyncio.Event()
            item = {"id": command.body["id"], "stream": command.body["stream"], "duration_ms": 0}
            asyncio.create_task(self._play(item, emergency=False, scheduled_at=None, stop=self.live_stop))  # noqa: RUF006
        elif command.type == "live-stop" and self.live_stop is not None:
            self.live_stop.set()
            self.live_stop = None

    async def _on_message(self, message: aiomqtt.Message) -> None:
        payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
        if message.topic.value.endswith("/ack"):
            try:
                ack = json.loads(payload)
            except ValueError:
                return
            if is_valid("receipt-ack", ack) and ack["device"] == self.device:
                for receipt_id in ack["ids"]:
                    if self.spool.pop(receipt_id, None) is not None:
                        self.stats.counts["receipts_acked"] += 1
                    self.sent_at.pop(receipt_id, None)
            return
        try:
            command = self.verifier.verify(payload)
        except CommandRefusedError as refusal:
            self.stats.counts[f"refused:{refusal.reason}"] += 1
            await self._event(
                "command-refused",
                seq=refusal.seq,
                group=refusal.group,
                command=refusal.type,
                reason=refusal.reason,
            )
            return
        await self._command(command)

    # -- the session -----------------------------------------------------------------------------------
    async def _loops(self, client: aiomqtt.Client) -> None:
        async def messages() -> None:
            async for message in client.messages:
                await self._on_message(message)

        async def ticks() -> None:
            next_heartbeat = 0.0
            offline_at = (
                time.monotonic() + self.rng.uniform(*self.options.offline_every_s) if self.flaky else None
            )
            while True:
                if time.monotonic() >= next_heartbeat:
                    next_heartbeat = time.monotonic() + self.options.heartbeat_s * self.rng.uniform(0.9, 1.1)
                    self.stats.counts["heartbeats"] += 1
                    await self._send(t.HEARTBEAT, self._heartbeat())
                await self._schedule()
                await self._flush()
                if offline_at is not None and time.monotonic() >= offline_at:
                    # what the broker's last will would say after a dropped connection
                    await self._send(t.STATUS, status_message(self.device, "offline"), droppable=False)
                    raise _GoOfflineError
                await asyncio.sleep(self.options.tick_s)

        async with asyncio.TaskGroup() as group:
            group.create_task(messages())
            group.create_task(ticks())

    async def run(self, stop: asyncio.Event) -> None:
        will = aiomqtt.Will(
            t.topic(self.device, t.STATUS), encode(status_message(self.device, "offline")), 1, True
        )
        while not stop.is_set():
            try:
                async with aiomqtt.Client(
                    self.bundle.mqtt_host,
                    self.bundle.mqtt_port,
                    username=self.bundle.mqtt_username,
                    password=self.bundle.mqtt_password,
                    identifier=self.device,
                    clean_session=False,
                    will=will,
                    keepalive=30,
                ) as client:
                    self._client = client
                    self.stats.counts["connects"] += 1
                    subscriptions = [(t.topic(self.device, t.COMMAND), 1), (t.topic(self.device, t.ACK), 1)]
                    if self.bundle.command_group:  # protocol level 2
                        subscriptions.append((t.group_topic(self.bundle.command_group), 1))
                    await client.subscribe(subscriptions)
                    await self._send(
                        t.STATUS, status_message(self.device, "online", utc_now()), droppable=False
                    )
                    self.sent_at.clear()  # hand every spooled receipt over once on this connection
                    await self._sync()
                    loops = asyncio.create_task(self._loops(client))
                    stopping = asyncio.create_task(stop.wait())
                    done, _ = await asyncio.wait({loops, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    loops.cancel()
                    stopping.cancel()
                    if loops in done and not loops.cancelled() and loops.exception() is not None:
                        raise loops.exception()  # type: ignore[misc]
                    await self._send(
                        t.STATUS, status_message(self.device, "offline", utc_now()), droppable=False
                    )
            except* _GoOfflineError:
                self.stats.counts["went_offline"] += 1
                self._client = None
                await _sleep_or_stop(stop, self.rng.uniform(*self.options.offline_for_s))
            except* aiomqtt.MqttError as errors:
                self.stats.counts["connection_errors"] += 1
                log.debug("%s: %s", self.device, errors.exceptions[0])
                self._client = None
                await _sleep_or_stop(stop, self.rng.uniform(1, 3))
        self._client = None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` or until ``stop``; True when ``stop`` came first."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


class Fleet:
    """N virtual devices in one event loop."""

    def __init__(self, bundles: list[Bundle], options: SimOptions | None = None) -> None:
        self.options = options or SimOptions()
        self.stats = FleetStats()
        rng = random.Random(self.options.seed)  # noqa: S311 — simulation, not security
        seeds = [rng.random() for _ in bundles]
        self.devices = [
            VirtualDevice(b, self.options, self.stats, random.Random(seed))  # noqa: S311
            for b, seed in zip(bundles, seeds, strict=True)
        ]

    async def run(self, stop: asyncio.Event) -> None:
        async with asyncio.TaskGroup() as group:
            for device in self.devices:
                group.create_task(device.run(stop))
                await asyncio.sleep(0.002)  # spread the connections

    def summary(self) -> dict[str, Any]:
        latencies = {
            kind: {"n": len(values), "p50": _percentile(values, 50), "p99": _percentile(values, 99)}
            for kind, values in self.stats.command_latency.items()
        }
        return {
            "devices": len(self.devices),
            "counts": dict(self.stats.counts),
            "command_latency_s": latencies,
        }


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, (len(ordered) * pct) // 100)], 4) if ordered else 0.0
