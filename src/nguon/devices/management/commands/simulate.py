"""``nguon simulate --devices N [--loss P] [--offline-ratio R]``: virtual devices speaking the protocol."""

from __future__ import annotations

import asyncio
import json
import signal
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.core.access import SystemActor
from nguon.devices.broker import device_broker
from nguon.devices.broker_config import write_broker_config
from nguon.devices.services.simulation import ensure_simulated_devices, simulated_bundles
from nguon.devices.simulator import Fleet, SimOptions

ACTOR = SystemActor("cli:simulate")


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Run N virtual devices (SIM-00001…) over the real protocol until interrupted (docs/devices.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--devices", type=int, default=100)
        parser.add_argument(
            "--loss", type=_ratio, default=0.0, help="share of outgoing telemetry dropped (0–1)"
        )
        parser.add_argument(
            "--offline-ratio",
            type=_ratio,
            default=0.0,
            help="share of devices that drop off now and then (0–1)",
        )
        parser.add_argument("--heartbeat", type=float, default=float(settings.NGUON_DEVICE_HEARTBEAT_SECONDS))
        parser.add_argument(
            "--duration", type=float, default=0.0, help="stop after this many seconds (0: never)"
        )
        parser.add_argument("--province", default=settings.NGUON_PROVINCE_CODE)
        parser.add_argument(
            "--broker-config",
            type=Path,
            help="also write the broker files here (reload Mosquitto before devices connect)",
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["devices"] <= 20_000:
            raise CommandError("--devices must be between 1 and 20000.")
        try:
            devices = ensure_simulated_devices(
                actor=ACTOR, count=options["devices"], province_code=options["province"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        cache = Path(settings.DATA_DIR) / "simulator" / "bundles.json"
        bundles, fresh = simulated_bundles(actor=ACTOR, devices=devices, cache=cache)
        # Cached bundles keep the broker they were issued with; point them at today's (the port may differ).
        broker = device_broker()
        bundles = [
            replace(b, mqtt_host=broker.host, mqtt_port=broker.port, mqtt_tls=broker.tls) for b in bundles
        ]
        self.stdout.write(f"{len(bundles)} virtual devices ({fresh} newly provisioned; bundles in {cache}).")
        if options["broker_config"] is not None:
            if not settings.NGUON_MQTT_PASSWORD:
                raise CommandError("Set NGUON_MQTT_PASSWORD to write the broker files.")
            write_broker_config(
                options["broker_config"],
                server_username=settings.NGUON_MQTT_USERNAME,
                server_password=settings.NGUON_MQTT_PASSWORD,
            )
            self.stdout.write(f"Broker files written to {options['broker_config']}; reload Mosquitto now.")
        elif fresh:
            self.stdout.write(
                "New credentials: run `nguon devices broker-config` and reload Mosquitto if it checks passwords."
            )
        fleet = Fleet(
            bundles,
            SimOptions(
                heartbeat_s=options["heartbeat"],
                loss=options["loss"],
                offline_ratio=options["offline_ratio"],
                seed=options["seed"],
            ),
        )
        asyncio.run(self._run(fleet, options["duration"]))
        self.stdout.write(json.dumps(fleet.summary(), indent=2, ensure_ascii=False))

    async def _run(self, fleet: Fleet, duration: float) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if duration > 0:
            loop.call_later(duration, stop.set)
        self.stdout.write("Running; Ctrl-C to stop.")
        await fleet.run(stop)
