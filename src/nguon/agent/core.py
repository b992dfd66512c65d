"""The agent: MQTT session, manifest sync, schedule, receipts. See docs/devices.md for how to run it.

Threads: paho's network thread verifies commands and queues the accepted ones; the main loop
(:meth:`Agent.run`, a tick every ``tick_s``) carries out commands, starts due items, sends heartbeats
and hands spooled receipts to MQTT; a sync thread fetches the manifest and media; a worker thread per
playback drives the sink. Everything the agent needs to keep playing offline is on disk (storage.py).
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from nguon.agent import FIRMWARE
from nguon.agent.commands import CommandHandler
from nguon.agent.fetch import FetchError, ServerClient
from nguon.agent.player import EMERGENCY, LIVE, SCHEDULED, Player, make_receipt
from nguon.agent.sinks import Sink
from nguon.agent.storage import AgentStorage
from nguon.devices.protocol import MESSAGE_VERSION, PROTOCOL_LEVEL
from nguon.devices.protocol import topics as t
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.protocol.commands import Command, CommandRefusedError, CommandVerifier, encode
from nguon.devices.protocol.keys import VerifyKey
from nguon.devices.protocol.manifests import ManifestInvalidError, start_window, verify_manifest
from nguon.devices.protocol.replay import FileSequenceStore
from nguon.devices.protocol.telemetry import event_message, status_message
from nguon.devices.protocol.timestamps import format_ts, parse_ts, utc_now
from nguon.devices.protocol.validation import is_valid

log = logging.getLogger("nguon.agent")


@dataclass(frozen=True)
class AgentOptions:
    heartbeat_s: float | None = None  # default: the bundle's heartbeat_s
    tick_s: float = 0.1
    sync_interval_s: float = 300.0
    ack_timeout_s: float = 120.0  # hand a receipt to MQTT again when the server has not acknowledged it
    reconnect_max_s: int = 30


class Agent:
    def __init__(
        self,
        bundle: Bundle,
        state_dir: Path,
        sink: Sink,
        options: AgentOptions | None = None,
        on_reboot: Callable[[], None] | None = None,
    ) -> None:
        self.bundle = bundle
        self.device = bundle.device
        self.options = options or AgentOptions()
        self.storage = AgentStorage(state_dir)
        self.server = ServerClient(bundle)
        self.public_key = VerifyKey.from_b64(bundle.server_public_key)
        self.settings: dict[str, Any] = {
            "volume": 70,
            "power": "on",
            "clock_offset_s": 0.0,
            "emergency": None,
        }
        self.settings.update(self.storage.read("settings.json", {}))
        self.verifier = CommandVerifier(
            device_id=self.device,
            public_key=self.public_key,
            sequences=FileSequenceStore(state_dir / "seq.json"),
            clock=self.now,
            groups=frozenset({bundle.command_group} - {""}),
        )
        self.player = Player(
            device=self.device,
            sink=sink,
            clock=self.now,
            volume=lambda: int(self.settings["volume"]),
            on_receipt=self._receipt_written,
        )
        self.commands = CommandHandler(self)
        self.on_reboot = on_reboot
        self.connected = threading.Event()
        self.receipt_handoffs: Counter[str] = Counter()
        self._handed: dict[str, float] = {}
        self._handed_lock = threading.Lock()
        self._queue: queue.Queue[Command] = queue.Queue()
        self._manifest_lock = threading.RLock()
        cached = self.storage.read("manifest.json", {})
        self.manifest: dict[str, Any] | None = None
        self.etag = ""
        self.manifest_received_at: datetime | None = None
        if cached.get("manifest"):
            try:
                self.manifest = verify_manifest(self.public_key, cached["manifest"], device_id=self.device)
                self.etag = cached.get("etag", "")
                self.manifest_received_at = parse_ts(cached["received_at"])
            except (ManifestInvalidError, KeyError, ValueError):
                log.warning("cached manifest rejected; waiting for a fresh one")
        self.handled: set[str] = set(self.storage.read("handled.json", []))
        self._sync_requested = threading.Event()
        self._emergency_check = threading.Event()
        self._sync_thread: threading.Thread | None = None
        self._last_sync = 0.0
        self._next_heartbeat = 0.0
        self._started = time.monotonic()
        self.client = self._mqtt_client()

    # -- time ------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return utc_now() + timedelta(seconds=float(self.settings["clock_offset_s"]))

    def save_settings(self) -> None:
        self.storage.write("settings.json", self.settings)

    # -- MQTT ------------------------------------------------------------------------------------------
    def _mqtt_client(self) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.device, clean_session=False)
        client.username_pw_set(self.bundle.mqtt_username, self.bundle.mqtt_password)
        if self.bundle.mqtt_tls:
            client.tls_set()
        will = encode(status_message(self.device, "offline"))
        client.will_set(t.topic(self.device, t.STATUS), will, qos=1, retain=True)
        client.reconnect_delay_set(min_delay=1, max_delay=self.options.reconnect_max_s)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def publish(self, leaf: str, message: dict[str, Any], *, retain: bool = False) -> mqtt.MQTTMessageInfo:
        return self.client.publish(t.topic(self.device, leaf), encode(message), qos=1, retain=retain)

    def event(self, kind: str, **fields: Any) -> None:
        if self.connected.is_set():
            self.publish(t.EVENT, event_message(self.device, kind, self.now(), **fields))

    def _on_connect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        if str(reason) != "Success":
            log.error("broker refused the connection: %s", reason)
            return
        subscriptions = [(t.topic(self.device, t.COMMAND), 1), (t.topic(self.device, t.ACK), 1)]
        if self.bundle.command_group:  # protocol level 2: the group's commands too
            subscriptions.append((t.group_topic(self.bundle.command_group), 1))
        client.subscribe(subscriptions)
        self.publish(t.STATUS, status_message(self.device, "online", self.now()), retain=True)
        self.connected.set()
        self._next_heartbeat = 0.0
        self._sync_requested.set()
        log.info("connected to %s:%s", self.bundle.mqtt_host, self.bundle.mqtt_port)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        self.connected.clear()
        log.warning("disconnected (%s); playing on from the cache", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        if message.topic == t.topic(self.device, t.ACK):
            self._acknowledged(bytes(message.payload))
            return
        try:
            command = self.verifier.verify(bytes(message.payload))
        except CommandRefusedError as refusal:
            log.warning("command refused: %s", refusal)
            self.event(
                "command-refused",
                seq=refusal.seq,
                group=refusal.group,
                command=refusal.type,
                reason=refusal.reason,
                detail=refusal.detail,
            )
            return
        self._queue.put(command)

    # -- receipts --------------------------------------------------------------------------------------
    def _receipt_written(self, receipt: dict[str, Any]) -> None:
        # Only spooled here: the main loop alone hands receipts to MQTT (flush_receipts), so no receipt is
        # handed over twice by two threads.
        self.storage.spool(receipt)

    def _hand_off(self, receipt: dict[str, Any]) -> None:
        with self._handed_lock:
            self._handed[receipt["id"]] = time.monotonic()
            self.receipt_handoffs[receipt["id"]] += 1
        self.publish(t.RECEIPT, receipt)

    def _acknowledged(self, payload: bytes) -> None:
        try:
            ack = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return
        if not is_valid("receipt-ack", ack) or ack["device"] != self.device:
            return
        for receipt_id in ack["ids"]:
            self.storage.unspool(receipt_id)
            with self._handed_lock:
                self._handed.pop(receipt_id, None)

    def flush_receipts(self) -> None:
        """Hand every spooled receipt to MQTT once; again only if no acknowledgement came in time."""
        if not self.connected.is_set():
            return
        deadline = time.monotonic() - self.options.ack_timeout_s
        for receipt in self.storage.spooled():
            with self._handed_lock:
                handed = self._handed.get(receipt["id"])
            if handed is None or handed < deadline:
                self._hand_off(receipt)

    def spool_receipt(
        self, item: dict[str, Any], result: str, detail: str, *, scheduled_at: str | None = None
    ) -> None:
        """A receipt for something that did not play (missed, skipped, failed before starting)."""
        version = self.manifest["version"] if self.manifest else 0
        receipt = make_receipt(
            self.device,
            item,
            manifest_version=version,
            result=result,
            scheduled_at=scheduled_at,
            detail=detail,
        )
        self._receipt_written(receipt)

    # -- manifest and media ----------------------------------------------------------------------------
    def request_sync(self) -> None:
        self._sync_requested.set()

    def _maybe_sync(self) -> None:
        due = time.monotonic() - self._last_sync >= self.options.sync_interval_s
        if not (self._sync_requested.is_set() or due):
            return
        if self._sync_thread is not None and self._sync_thread.is_alive():
            return
        self._sync_requested.clear()
        self._last_sync = time.monotonic()
        self._sync_thread = threading.Thread(target=self.sync, name="sync", daemon=True)
        self._sync_thread.start()

    def sync(self) -> None:
        try:
            response = self.server.manifest(self.etag)
        except FetchError as error:
            log.warning("sync: %s (keeping the cached manifest)", error)
            return
        if response.status == 200:
            try:
                manifest = verify_manifest(self.public_key, response.manifest, device_id=self.device)
            except ManifestInvalidError as error:
                log.warning("sync: manifest rejected: %s", error)
                self.event("manifest-error", detail=str(error))
                return
            with self._manifest_lock:
                self.manifest, self.etag, self.manifest_received_at = manifest, response.etag, self.now()
                self.storage.write(
                    "manifest.json",
                    {
                        "manifest": manifest,
                        "etag": self.etag,
                        "received_at": format_ts(self.manifest_received_at),
                    },
                )
            log.info("sync: manifest v%s (%d items)", manifest["version"], len(manifest["items"]))
            self._emergency_check.set()  # reconciled by the main loop, which owns playback
        manifest_now = self.manifest or {}
        for item in list(manifest_now.get("items", [])):
            if "media" in item:  # stream items are relayed from the network, not cached
                self.ensure_media(item)
        if manifest_now.get("emergency"):
            self.ensure_media(manifest_now["emergency"]["item"])

    def ensure_media(self, item: dict[str, Any]) -> Path | None:
        """The cached file of a media item (downloaded when missing); None when it cannot be had."""
        media = item.get("media")
        if media is None:
            return None
        path = self.storage.media_path(media["sha256"])
        if path.exists():
            return path
        try:
            self.server.download(media, path)
        except FetchError as error:
            log.warning("media for %s: %s", item["id"], error)
            self.event("media-error", detail=str(error))
            return None
        return path

    # -- the schedule ----------------------------------------------------------------------------------
    def _mark(self, key: str) -> None:
        self.handled.add(key)
        keep = {f"{i['id']}@{i['start']}" for i in (self.manifest or {}).get("items", [])}
        self.storage.write("handled.json", sorted(self.handled & keep))

    def schedule(self) -> None:
        now = self.now()
        emergency = self.settings.get("emergency")
        if emergency:
            self.commands.keep_emergency_playing(emergency)
        with self._manifest_lock:
            manifest = self.manifest
            received = self.manifest_received_at
        if manifest is None:
            return
        for item in manifest["items"]:
            key = f"{item['id']}@{item['start']}"
            if key in self.handled:
                continue
            start, until = start_window(item)
            if now < start:
                break  # items are sorted by start
            suspended = "emergency" if emergency else "power off" if self.settings["power"] == "off" else ""
            current = self.player.current
            if not suspended and current is not None and current.kind == LIVE:
                suspended = "live broadcast"  # an item whose window passes during a live broadcast is skipped
            if now > until:
                if suspended:
                    self.spool_receipt(item, "skipped", suspended, scheduled_at=item["start"])
                elif received is None or until >= received:
                    self.spool_receipt(item, "missed", "start window passed", scheduled_at=item["start"])
                self._mark(key)
                continue
            if suspended or self.player.current is not None:
                continue  # wait while it may still start: an item due during an emergency plays after it
            path = self.storage.media_path(item["media"]["sha256"]) if "media" in item else None
            if path is not None and not path.exists():
                self.spool_receipt(item, "failed", "media not cached", scheduled_at=item["start"])
                self._mark(key)
                continue
            self.player.start(
                item, path, kind=SCHEDULED, manifest_version=manifest["version"], scheduled_at=item["start"]
            )
            self._mark(key)

    # -- heartbeat -------------------------------------------------------------------------------------
    def heartbeat(self) -> dict[str, Any]:
        current = self.player.current
        playing = None
        if current is not None:
            playing = {
                "item": current.item["id"],
                "started_at": format_ts(current.started_at),
                "emergency": current.kind == EMERGENCY,
            }
        return {
            "v": MESSAGE_VERSION,
            "device": self.device,
            "ts": format_ts(self.now()),
            "protocol": PROTOCOL_LEVEL,
            "firmware": FIRMWARE,
            "mode": "speaker",
            "volume": int(self.settings["volume"]),
            "power": self.settings["power"],
            "emergency": bool(self.settings.get("emergency")),
            "manifest_version": self.manifest["version"] if self.manifest else 0,
            "playing": playing,
            "storage_free_mb": shutil.disk_usage(self.storage.root).free // (1024 * 1024),
            "signal_dbm": None,
            "uptime_s": int(time.monotonic() - self._started),
            "spooled_receipts": len(list(self.storage.spool_dir.glob("*.json"))),
        }

    def _maybe_heartbeat(self) -> None:
        if not self.connected.is_set() or time.monotonic() < self._next_heartbeat:
            return
        self._next_heartbeat = time.monotonic() + (self.options.heartbeat_s or self.bundle.heartbeat_s)
        self.publish(t.HEARTBEAT, self.heartbeat())

    # -- main loop -------------------------------------------------------------------------------------
    def tick(self) -> None:
        while True:
            try:
                command = self._queue.get_nowait()
            except queue.Empty:
                break
            self.commands.handle(command)
        if self._emergency_check.is_set() and self.manifest is not None:
            self._emergency_check.clear()
            try:
                self.commands.reconcile_emergency(self.manifest)
            except RuntimeError as error:
                log.warning("emergency from the manifest: %s", error)
        self._maybe_sync()
        self.schedule()
        self._maybe_heartbeat()
        self.flush_receipts()

    def start(self) -> None:
        self.client.connect_async(self.bundle.mqtt_host, self.bundle.mqtt_port, keepalive=30)
        self.client.loop_start()

    def shutdown(self) -> None:
        self.player.stop_current()
        if self.connected.is_set():
            self.publish(
                t.STATUS, status_message(self.device, "offline", self.now()), retain=True
            ).wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()

    def run(self, stop: threading.Event) -> None:
        self.start()
        try:
            while not stop.is_set():
                self.tick()
                stop.wait(self.options.tick_s)
        finally:
            self.shutdown()
