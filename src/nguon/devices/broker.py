"""Where the broker is, from the settings: ``NGUON_MQTT_URL`` for the server, ``NGUON_DEVICE_MQTT_URL``
for what devices are told."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        parts = urlsplit(url)
        tls = parts.scheme == "mqtts"
        return cls(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883), tls)


@dataclass(frozen=True)
class ServerAccount:
    address: BrokerAddress
    username: str
    password: str = ""

    def __repr__(self) -> str:
        return f"ServerAccount({self.username}@{self.address.host}:{self.address.port})"


def server_account() -> ServerAccount:
    return ServerAccount(
        BrokerAddress.parse(settings.NGUON_MQTT_URL),
        settings.NGUON_MQTT_USERNAME,
        settings.NGUON_MQTT_PASSWORD,
    )


def device_broker() -> BrokerAddress:
    return BrokerAddress.parse(settings.NGUON_DEVICE_MQTT_URL)
