"""The provisioning bundle: what a device is given once, at installation (schema ``bundle``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nguon.devices.protocol.validation import validate


@dataclass(frozen=True)
class Bundle:
    device: str
    mode: str
    protocol: int
    mqtt_host: str
    mqtt_port: int
    mqtt_tls: bool
    mqtt_username: str
    mqtt_password: str
    base_url: str
    token: str
    server_public_key: str
    issued_at: str
    heartbeat_s: int
    command_group: str = ""
    """Protocol level 2: the group whose command topic the device reads too ("" for none)."""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "v": 1,
            "protocol": self.protocol,
            "device": self.device,
            "mode": self.mode,
            "mqtt": {
                "host": self.mqtt_host,
                "port": self.mqtt_port,
                "tls": self.mqtt_tls,
                "username": self.mqtt_username,
                "password": self.mqtt_password,
            },
            "https": {"base_url": self.base_url, "token": self.token},
            "server_public_key": self.server_public_key,
            "issued_at": self.issued_at,
            "heartbeat_s": self.heartbeat_s,
        }
        if self.command_group:
            data["command_group"] = self.command_group
        validate("bundle", data)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Bundle:
        validate("bundle", data)
        return cls(
            device=data["device"],
            mode=data["mode"],
            protocol=data["protocol"],
            mqtt_host=data["mqtt"]["host"],
            mqtt_port=data["mqtt"]["port"],
            mqtt_tls=data["mqtt"]["tls"],
            mqtt_username=data["mqtt"]["username"],
            mqtt_password=data["mqtt"]["password"],
            base_url=data["https"]["base_url"].rstrip("/"),
            token=data["https"]["token"],
            server_public_key=data["server_public_key"],
            issued_at=data["issued_at"],
            heartbeat_s=data["heartbeat_s"],
            command_group=data.get("command_group", ""),
        )

    @classmethod
    def load(cls, path: Path) -> Bundle:
        return cls.from_dict(json.loads(path.read_text("utf-8")))

    def __repr__(self) -> str:  # never print the secrets
        return f"Bundle(device={self.device!r}, mqtt={self.mqtt_host}:{self.mqtt_port})"
