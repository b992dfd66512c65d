"""The fan-out benchmark through the server's own path (``bench/devices.py fanout --database-url …``).

A throw-away database (created and migrated here) with N speaker clusters spread over 92 made-up
communes, each with an active credential as provisioning writes it (Mosquitto hash, and at protocol level
2 the command group ``g-<commune>-speaker``); the broker's files come from ``active_credentials()`` like
``nguon devices broker-config``. A signed round is one call of ``services.commands.send_commands`` for the
whole fleet (what an emergency does): checks, group counters, one record per device (COPY), the audit
events, the commit, then the real MQTT publisher. Its start instant is taken just before the call.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from harness import bench_units, ensure_postgres_database

COMMUNES = 92  # Thái Nguyên since July 2025


@dataclass
class ServerFleet:
    devices: list[tuple[str, str, str]]  # (device id, clear password, command group or "")
    credentials: list[Any]  # ActiveCredential, for the broker files
    public_key: str
    groups: int

    def use_broker(self, port: int, server: str, password: str) -> None:
        """Point the server's MQTT publisher at the benchmark's broker."""
        from django.conf import settings

        from nguon.devices.publisher import get_publisher, use_publisher

        settings.NGUON_MQTT_URL = f"mqtt://127.0.0.1:{port}"
        settings.NGUON_MQTT_USERNAME, settings.NGUON_MQTT_PASSWORD = server, password
        use_publisher(None)
        get_publisher().publish_many([])  # connected already, as in a running server

    def signed_round(self, item: dict[str, Any]) -> tuple[float, str]:
        """One emergency-start to every device through the service; returns its start instant (wall
        clock, just before ``send_commands``: loading the devices is not counted) and a note on its parts."""
        from django.db import connection

        from nguon.core.access import SystemActor
        from nguon.devices.models import CommandRecord, Device
        from nguon.devices.publisher import get_publisher

        devices = list(Device.objects.select_related("unit").order_by("pk"))  # loaded before the clock runs
        connection.ensure_connection()
        publisher = get_publisher()
        marks: list[float] = []
        original = publisher.publish_many

        def timed(messages: Any) -> None:
            marks.append(time.perf_counter())
            original(messages)
            marks.append(time.perf_counter())

        publisher.publish_many = timed  # type: ignore[method-assign]
        wall, started = time.time(), time.perf_counter()
        try:
            records = send(SystemActor("bench"), devices, item)
        finally:
            publisher.publish_many = original  # type: ignore[method-assign]
        elapsed = time.perf_counter() - started
        batch = records[0].batch
        published = CommandRecord.objects.filter(batch=batch, published_at__isnull=False).count()
        return wall, (
            f"send_commands for {len(records)} devices: signed, recorded and committed after "
            f"{(marks[0] - started) * 1000:.0f} ms, PUBACKs after {(marks[1] - started) * 1000:.0f} ms, "
            f"returned after {elapsed * 1000:.0f} ms; {published} records stamped published"
        )

    @staticmethod
    def close_connections() -> None:
        """Before forking the device processes: a forked child must not share the database socket."""
        from django.db import connections

        connections.close_all()


def send(actor: Any, devices: list[Any], item: dict[str, Any]) -> Any:
    from nguon.devices.services.commands import send_commands

    return send_commands(actor=actor, devices=devices, type="emergency-start", body={"item": item})


def server_fleet(count: int, database_url: str, *, groups: bool) -> ServerFleet:
    """Django on a fresh ``database_url`` with ``count`` registered, credentialed devices."""
    ensure_postgres_database(database_url, fresh=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("NGUON_ENV", "test")
    os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from nguon.devices.broker_config import active_credentials
    from nguon.devices.credentials import mosquitto_hash, new_secret, token_hash
    from nguon.devices.models import Device, DeviceCredential
    from nguon.devices.signing import server_public_key_b64

    call_command("migrate", verbosity=0)
    _province, communes = bench_units(COMMUNES)
    fleet = Device.objects.bulk_create(
        [
            Device(
                device_id=f"d-{i:012x}", kind="speaker_cluster", serial=f"B-{i}", unit=communes[i % COMMUNES]
            )
            for i in range(count)
        ]
    )
    passwords = {d.device_id: new_secret() for d in fleet}
    now = timezone.now()
    DeviceCredential.objects.bulk_create(
        [
            DeviceCredential(
                device=d,
                mqtt_password_hash=mosquitto_hash(passwords[d.device_id]),
                token_hash=token_hash(new_secret()),
                issued_at=now,
                issued_by="bench",
                command_group=f"g-{d.unit.code}-speaker" if groups else "",
            )
            for d in fleet
        ],
        batch_size=1000,
    )
    credentials = active_credentials()
    devices = [(c.device_id, passwords[c.device_id], c.command_group) for c in credentials]
    return ServerFleet(devices, credentials, server_public_key_b64(), COMMUNES if groups else 0)
