"""Publishing server → device messages (signed commands, receipt acknowledgements) over MQTT.

:func:`get_publisher` returns the process-wide publisher; tests replace it with
:func:`use_publisher` (for example with :class:`MemoryPublisher`). The MQTT publisher keeps one
connection as the server account and waits for the broker's PUBACK (QoS 1) on every message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from nguon.devices.broker import ServerAccount, server_account

log = logging.getLogger(__name__)
PUBLISH_TIMEOUT_S = 10.0


class PublishError(Exception):
    """The broker could not be reached or did not acknowledge in time."""


class Publisher(Protocol):
    def publish_many(self, messages: Iterable[tuple[str, bytes]]) -> None: ...


@dataclass
class MemoryPublisher:
    """Keeps what would have been published (tests, dry runs)."""

    sent: list[tuple[str, bytes]] = field(default_factory=list)

    def publish_many(self, messages: Iterable[tuple[str, bytes]]) -> None:
        self.sent.extend(messages)


class MqttPublisher:
    def __init__(self, account: ServerAccount, *, client_id: str = "") -> None:
        self.account = account
        self.client_id = client_id
        self._lock = threading.Lock()
        self._client: mqtt.Client | None = None

    def _connect(self) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=True)
        client.max_inflight_messages_set(1000)  # a fan-out publishes thousands at once
        client.max_queued_messages_set(0)
        if self.account.password:
            client.username_pw_set(self.account.username, self.account.password)
        if self.account.address.tls:
            client.tls_set()
        connected = threading.Event()
        outcome: list[str] = []

        def on_connect(
            c: mqtt.Client, userdata: object, flags: object, reason: object, props: object
        ) -> None:
            outcome.append(str(reason))
            connected.set()

        client.on_connect = on_connect
        try:
            client.connect(self.account.address.host, self.account.address.port, keepalive=60)
        except OSError as error:
            raise PublishError(f"broker unreachable: {error}") from None
        client.loop_start()
        if not connected.wait(PUBLISH_TIMEOUT_S) or outcome[0] != "Success":
            client.loop_stop()
            client.disconnect()
            raise PublishError(f"broker refused the connection: {outcome[0] if outcome else 'timeout'}")
        return client

    def publish_many(self, messages: Iterable[tuple[str, bytes]]) -> None:
        with self._lock:
            if self._client is None or not self._client.is_connected():
                if self._client is not None:
                    self._client.loop_stop()
                self._client = self._connect()
            infos = [self._client.publish(topic, payload, qos=1) for topic, payload in messages]
            for info in infos:
                try:
                    info.wait_for_publish(PUBLISH_TIMEOUT_S)
                except (RuntimeError, ValueError) as error:
                    raise PublishError(str(error)) from None
                if not info.is_published():
                    raise PublishError("the broker did not acknowledge in time")

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.disconnect()
                self._client.loop_stop()
                self._client = None


_publisher: Publisher | None = None
_publisher_lock = threading.Lock()


def get_publisher() -> Publisher:
    global _publisher  # noqa: PLW0603 — one connection per process
    with _publisher_lock:
        if _publisher is None:
            _publisher = MqttPublisher(server_account())
        return _publisher


def use_publisher(publisher: Publisher | None) -> Publisher | None:
    """Replace the process-wide publisher (None: back to MQTT from the settings); returns the old one."""
    global _publisher
    with _publisher_lock:
        previous, _publisher = _publisher, publisher
        return previous
