"""The long-running telemetry subscriber behind ``nguon devices ingest``.

One MQTT session as the server account (persistent: ``clean_session=False`` with a fixed client id, so
messages published while the ingest restarts wait in the broker). paho's network thread only queues
messages. :meth:`IngestLoop.run` (``nguon devices ingest``) takes them in batches, checks each batch in the
calling thread and stores it in one storing thread (:class:`services.ingest_pipeline.Pipeline`: batch N+1 is
checked while batch N is stored). The storing thread hands each batch back after its commit; only then does
the calling thread acknowledge its messages to the broker (manual PUBACK) and its stored receipts to their
device on ``nguon/v1/d/<id>/ack``, so a crash before storing means redelivery, not loss. If storing fails
(after one retry on a database error), nothing more is acknowledged and ``run`` raises.

:meth:`IngestLoop.process_pending` does the same two steps for one batch in the calling thread (tests and
benchmarks that share the caller's database connection or transaction).
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion

from nguon.devices.broker import ServerAccount
from nguon.devices.protocol import topics
from nguon.devices.protocol.commands import encode
from nguon.devices.protocol.telemetry import receipt_ack
from nguon.devices.services.ingest import Outcome
from nguon.devices.services.ingest_batch import prepare
from nguon.devices.services.ingest_pipeline import Pipeline, store_with_retry

log = logging.getLogger("nguon.devices.ingest")
BATCH = 2000  # PostgreSQL: a few statements and one commit per batch (docs/devices.md, Benchmarks)
ACK_CHUNK = 500


def tune_gc() -> None:
    """Keep Python's cycle collector off what was loaded at start-up.

    Each batch parses thousands of JSON objects that live until the batch is stored, so the collector
    runs often; its full collections walked every object of Django and the app each time (about a fifth
    of the ingest's CPU, docs/devices.md "Benchmarks"). Freezing moves what exists now out of its sight;
    everything created later is collected as usual."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class _Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


class IngestLoop:
    def __init__(
        self,
        account: ServerAccount,
        *,
        client_id: str = "nguon-ingest",
        reconnect_max_s: int = 10,
    ) -> None:
        self.account = account
        self.counts: Counter[str] = Counter()
        self.connected = threading.Event()
        self._queue: queue.Queue[_Message] = queue.Queue()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, manual_ack=True
        )
        if account.password:
            self._client.username_pw_set(account.username, account.password)
        if account.address.tls:
            self._client.tls_set()
        self._client.reconnect_delay_set(min_delay=1, max_delay=reconnect_max_s)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    def _on_connect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        if str(reason) != "Success":
            log.error("ingest: broker refused the connection: %s", reason)
            return
        client.subscribe([(name, 1) for name in topics.INGEST_SUBSCRIPTIONS])
        log.info("ingest: connected to %s:%s", self.account.address.host, self.account.address.port)
        self.connected.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        self.connected.clear()
        log.warning("ingest: disconnected (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        self._queue.put(_Message(message.topic, bytes(message.payload), message.mid, message.qos))

    def _take(self, timeout: float) -> list[_Message]:
        """What has arrived, up to one batch (waits up to ``timeout`` for the first message)."""
        try:
            batch = [self._queue.get(timeout=timeout)]
        except queue.Empty:
            return []
        while len(batch) < BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _acknowledge(self, batch: list[_Message], outcomes: list[Outcome]) -> None:
        """After the batch's commit: PUBACK every message, send the receipt acks."""
        acks: dict[str, list[str]] = defaultdict(list)
        for message, outcome in zip(batch, outcomes, strict=True):
            self.counts[outcome.result] += 1
            if outcome.ack_ids:
                acks[outcome.device_id].extend(outcome.ack_ids)
            if message.qos > 0:
                self._client.ack(message.mid, message.qos)
        for device_id, ids in acks.items():
            for start in range(0, len(ids), ACK_CHUNK):
                payload = encode(receipt_ack(device_id, ids[start : start + ACK_CHUNK]))
                self._client.publish(topics.topic(device_id, topics.ACK), payload, qos=1)

    def process_pending(self, timeout: float = 0.2) -> int:
        """Check, store and acknowledge what has arrived (up to one batch) in this thread; returns how many
        messages were handled. Raises if the batch cannot be stored (nothing of it is acknowledged)."""
        batch = self._take(timeout)
        if not batch:
            return 0
        self._acknowledge(batch, store_with_retry(prepare([(m.topic, m.payload) for m in batch])))
        close_old_connections()
        return len(batch)

    def start(self) -> None:
        self._client.connect_async(self.account.address.host, self.account.address.port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def run(self, stop: threading.Event) -> None:
        """Until ``stop`` is set: receive, check, store (in the storing thread), acknowledge after each commit.

        Raises :class:`services.ingest_pipeline.StoreFailedError` if a batch cannot be stored."""
        tune_gc()
        # The storing thread only hands committed batches back; this thread acknowledges them (PUBACKs are
        # Python work per message: off the storing thread, which is the pipeline's critical path).
        stored: queue.SimpleQueue[tuple[list[_Message], list[Outcome]]] = queue.SimpleQueue()
        pipeline: Pipeline[list[_Message]] = Pipeline(lambda batch, outcomes: stored.put((batch, outcomes)))
        pipeline.start()
        self.start()
        try:
            while not stop.is_set():
                self._acknowledge_stored(stored)
                batch = self._take(0.05)
                if batch:
                    pipeline.submit(batch, [(m.topic, m.payload) for m in batch])
        finally:
            try:
                pipeline.close()  # stores what was submitted (raises if storing failed)
            finally:
                self._acknowledge_stored(stored)  # every committed batch, while still connected
                self.stop()

    def _acknowledge_stored(self, stored: queue.SimpleQueue[tuple[list[_Message], list[Outcome]]]) -> None:
        while True:
            try:
                batch, outcomes = stored.get_nowait()
            except queue.Empty:
                return
            self._acknowledge(batch, outcomes)
