"""An embedded pure-Python MQTT broker (amqtt) for ``make run``, with the same rules as the Mosquitto files.

``nguon devices broker --embedded`` runs it on 127.0.0.1 (never 0.0.0.0: amqtt's own default). Two plugins
replace Mosquitto's ``passwd`` and ``acl`` (see :mod:`nguon.devices.broker_config`):

- :class:`RegistryAuthPlugin`: anonymous access is off. The server account (``NGUON_MQTT_USERNAME``) must
  give ``NGUON_MQTT_PASSWORD``; a device must give the password of its active credential, checked
  against the ``$7$`` hash in the database at every connection, so provisioning and revoking take effect
  at once (no file to rewrite, no reload).
- :class:`DeviceTopicPlugin`: a device may subscribe to and receive only its own ``cmd`` and ``ack`` and
  the command topic of the group its credential names (protocol level 2), and publish only its own
  ``tele/…`` and ``status``; the server account may use ``nguon/v1/#``. Everything else is refused.

It is for development and demos: amqtt is about ten times slower than Mosquitto and keeps no state across
restarts. Production uses Mosquitto.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from amqtt.broker import Broker  # type: ignore[import-untyped]
from amqtt.contexts import Action  # type: ignore[import-untyped]
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin  # type: ignore[import-untyped]
from amqtt.session import Session  # type: ignore[import-untyped]

from nguon.devices.credentials import ActiveCredential, check_mosquitto_hash
from nguon.devices.protocol import topics

logger = logging.getLogger("nguon.devices.broker")

DEFAULT_PORT = (
    1884  # not 1883, so that a system Mosquitto (scripts/setup-os.sh installs one) does not collide
)
MAX_SIMULATED = 20_000

#: ``device_id`` → its active credential, or None. Called in a worker thread (it may use the database).
CredentialLookup = Callable[[str], "ActiveCredential | None"]


def registry_lookup(device_id: str) -> ActiveCredential | None:
    """The device's active MQTT password hash and command group from the registry (Django must be set up)."""
    from django.db import close_old_connections, connection

    from nguon.devices.models import DeviceCredential

    # The broker's worker threads keep their own connections: drop stale ones around each lookup. Never
    # inside a transaction (a caller's own thread, e.g. a test), where closing would end that transaction.
    tidy = not connection.in_atomic_block
    if tidy:
        close_old_connections()
    try:
        row = (
            DeviceCredential.objects.filter(
                device__device_id=device_id, revoked_at__isnull=True, device__retired_on__isnull=True
            )
            .values_list("mqtt_password_hash", "command_group")
            .first()
        )
        return ActiveCredential(device_id, *row) if row else None
    finally:
        if tidy:
            close_old_connections()


@dataclass(frozen=True)
class Rules:
    """Who may connect and which topics they may use: the embedded broker's ``passwd`` + ``acl``."""

    server_username: str
    server_password: str = field(repr=False)
    lookup: CredentialLookup = registry_lookup
    #: device → the command group of the credential it connected with (a group changes only with a new
    #: credential, so with a new connection).
    groups: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def check_password(self, username: str | None, password: str | None) -> bool:
        if not username:
            return False
        if username == self.server_username:
            return bool(self.server_password) and hmac.compare_digest(
                (password or "").encode(), self.server_password.encode()
            )
        if not topics.is_device_id(username):
            return False
        credential = self.lookup(username)
        if credential is None or not check_mosquitto_hash(password or "", credential.password_hash):
            return False
        self.groups[username] = credential.command_group
        return True

    def may(self, username: str | None, topic: str, action: Action) -> bool:
        """The ACL. ``topic`` is a topic name (publish, receive) or a filter (subscribe)."""
        if not username:
            return False
        if username == self.server_username:
            return topic == topics.PROTOCOL_ROOT or topic.startswith(topics.PROTOCOL_ROOT + "/")
        if not topics.is_device_id(username):
            return False
        if action in (Action.SUBSCRIBE, Action.RECEIVE):
            # Exact topics only: a wildcard filter would reach other devices' topics.
            group = self.groups.get(username, "")
            return topic in {topics.topic(username, leaf) for leaf in topics.DEVICE_SUBSCRIBES} or (
                bool(group) and topic == topics.group_topic(group)
            )
        parsed = topics.parse(topic)
        return (
            parsed is not None
            and parsed.device_id == username
            and (parsed.leaf.startswith("tele/") or parsed.leaf == topics.STATUS)
        )


_RULES: dict[int, Rules] = {}  # id(broker config) → rules: amqtt builds plugins from a config dict


class RegistryAuthPlugin(BaseAuthPlugin):
    """Anonymous access off; the server account and devices with an active credential only."""

    @dataclass
    class Config:
        rules_key: int = 0

    async def authenticate(self, *, session: Session) -> bool | None:
        rules = _RULES[self.config.rules_key]
        ok = await asyncio.to_thread(rules.check_password, session.username, session.password)
        if not ok:
            logger.info("embedded broker: refused connection for %r", session.username)
        return ok


class DeviceTopicPlugin(BaseTopicPlugin):
    """Each device its own topics; the server account the whole ``nguon/v1/`` tree."""

    @dataclass
    class Config:
        rules_key: int = 0

    async def topic_filtering(
        self, *, session: Session | None = None, topic: str | None = None, action: Action | None = None
    ) -> bool | None:
        if session is None or topic is None or action is None:
            return False
        allowed = _RULES[self.config.rules_key].may(session.username, topic, action)
        if not allowed and action != Action.RECEIVE:
            logger.info("embedded broker: %s %s refused for %r", action, topic, session.username)
        return allowed


def broker_config(rules: Rules, *, host: str, port: int) -> dict[str, Any]:
    key = id(rules)
    _RULES[key] = rules
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            f"{__name__}.RegistryAuthPlugin": {"rules_key": key},
            f"{__name__}.DeviceTopicPlugin": {"rules_key": key},
        },
    }


class _SnapshotDict(dict[str, Any]):
    """amqtt 0.12 iterates its subscriptions while awaiting the topic plugins, so a client subscribing
    meanwhile raised "dictionary changed size during iteration" and the message was lost. Iterating a
    snapshot avoids that."""

    def items(self) -> Any:
        return list(super().items())

    def __iter__(self) -> Any:
        return iter(list(super().keys()))


def make_broker(rules: Rules, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> Broker:
    if not rules.server_password:
        raise ValueError("the server account needs a password (NGUON_MQTT_PASSWORD)")
    broker = Broker(broker_config(rules, host=host, port=port))
    broker._subscriptions = _SnapshotDict(broker._subscriptions)
    return broker


async def serve(rules: Rules, *, host: str, port: int, stop: asyncio.Event) -> None:
    """Run the broker until ``stop`` is set."""
    broker = make_broker(rules, host=host, port=port)
    await broker.start()
    try:
        await stop.wait()
    finally:
        await broker.shutdown()


@dataclass(frozen=True)
class EmbeddedSettings:
    """``nguon start``'s device settings outside production (read from the environment)."""

    port: int = DEFAULT_PORT
    simulate_devices: int = 0


def _env_int(env: dict[str, str] | os._Environ[str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number {low}–{high}.") from None
    if not low <= value <= high:
        raise ValueError(f"{name}={raw!r}: expected a whole number {low}–{high}.")
    return value


def embedded_settings(env: dict[str, str] | os._Environ[str] | None = None) -> EmbeddedSettings:
    env = os.environ if env is None else env
    return EmbeddedSettings(
        port=_env_int(env, "NGUON_EMBEDDED_MQTT_PORT", DEFAULT_PORT, 1, 65535),
        simulate_devices=_env_int(env, "NGUON_SIMULATE_DEVICES", 0, 0, MAX_SIMULATED),
    )
