"""``nguon devices register|provision|broker-config|ingest|send|list``: the device fleet from the shell."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.core.access import SystemActor
from nguon.devices.broker import server_account
from nguon.devices.broker_config import write_broker_config
from nguon.devices.choices import CommandType, DeviceKind
from nguon.devices.models import Device
from nguon.devices.protocol import PROTOCOL_LEVEL
from nguon.devices.selectors.status import device_status
from nguon.devices.services import commands, provisioning, registry
from nguon.units.models import AdministrativeUnit

ACTOR = SystemActor("cli:devices")


class Command(BaseCommand):
    help = (
        "The device fleet: registry, provisioning, broker configuration, telemetry ingest (docs/devices.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        reg = sub.add_parser("register", help="Add a device to a commune's registry.")
        reg.add_argument("serial")
        reg.add_argument("--commune", required=True, help="commune code, e.g. 05569")
        reg.add_argument("--kind", choices=DeviceKind.values, default=DeviceKind.SPEAKER_CLUSTER)
        reg.add_argument("--vendor", default="")
        reg.add_argument("--model", default="")
        reg.add_argument("--name", default="")
        imp = sub.add_parser("import", help="Register devices from a CSV/XLSX file: every row or none.")
        imp.add_argument("file", type=Path)
        prov = sub.add_parser("provision", help="Issue credentials; print (or write) the one-time bundle.")
        prov.add_argument("serial", help="the device's serial number (or its device id)")
        prov.add_argument(
            "--out", type=Path, help="write the bundle to this file (mode 0600) instead of stdout"
        )
        prov.add_argument(
            "--protocol",
            type=int,
            default=PROTOCOL_LEVEL,
            help=f"the level the device speaks (default {PROTOCOL_LEVEL}; 1: no group commands)",
        )
        conf = sub.add_parser("broker-config", help="Write Mosquitto's passwd, acl and mosquitto.conf.")
        conf.add_argument("--out", type=Path, required=True)
        conf.add_argument("--bind", default="127.0.0.1")
        conf.add_argument("--port", type=int, default=1883)
        emb = sub.add_parser(
            "broker", help="Run the embedded pure-Python broker (development; production uses Mosquitto)."
        )
        emb.add_argument("--embedded", action="store_true", required=True, help="amqtt, in this process")
        emb.add_argument("--host", default="127.0.0.1")
        emb.add_argument("--port", type=int, default=None, help="default: NGUON_EMBEDDED_MQTT_PORT or 1884")
        sub.add_parser("ingest", help="Run the telemetry ingest until interrupted.")
        send = sub.add_parser("send", help="Sign and send a command to one device.")
        send.add_argument("device_id")
        send.add_argument(
            "type", choices=[t for t in CommandType.values if t != CommandType.MANIFEST_CHANGED]
        )
        send.add_argument("--body", default="{}", help="JSON body, e.g. '{\"level\": 60}'")
        sub.add_parser("list", help="Every device with its derived status.")
        alerts = sub.add_parser("alerts", help="Open and close alerts (run every minute or so).")
        alerts.add_argument("--threshold-minutes", type=int, default=15)

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["subcommand"].replace("-", "_"))
        try:
            handler(options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _device(self, key: str) -> Device:
        device = Device.objects.filter(serial=key).first() or Device.objects.filter(device_id=key).first()
        if device is None:
            raise CommandError(f"No device with serial or id {key!r} (nguon devices register …).")
        return device

    def _register(self, options: dict[str, Any]) -> None:
        unit = AdministrativeUnit.objects.filter(code=options["commune"], is_current=True).first()
        if unit is None:
            raise CommandError(f"No current commune with code {options['commune']!r}.")
        device = registry.register_device(
            actor=ACTOR,
            kind=options["kind"],
            serial=options["serial"],
            unit=unit,
            vendor=options["vendor"],
            model=options["model"],
            name=options["name"],
        )
        self.stdout.write(f"Registered {device.device_id} ({device.serial}) in {unit.full_name}.")

    def _import(self, options: dict[str, Any]) -> None:
        from nguon.devices.services.imports import import_devices
        from nguon.units.residential_import import FileRejectedError

        try:
            result = import_devices(actor=ACTOR, content=options["file"].read_bytes())
        except (OSError, FileRejectedError) as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            for row_error in result.errors:
                self.stderr.write(f"  row {row_error.row} [{row_error.column}]: {row_error.message}")
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        self.stdout.write(f"Registered {result.created} device(s).")

    def _provision(self, options: dict[str, Any]) -> None:
        try:
            bundle = provisioning.provision_device(
                actor=ACTOR, device=self._device(options["serial"]), protocol=options["protocol"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        text = json.dumps(bundle.to_dict(), indent=2, ensure_ascii=False) + "\n"
        out: Path | None = options["out"]
        if out is None:
            self.stdout.write(text, ending="")
            return
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stdout.write(f"Bundle for {bundle.device} written to {out} (keep it secret; shown only once).")
        self.stdout.write(
            "Run `nguon devices broker-config` again and reload Mosquitto so the broker knows it."
        )

    def _broker_config(self, options: dict[str, Any]) -> None:
        if not settings.NGUON_MQTT_PASSWORD:
            raise CommandError(
                "Set NGUON_MQTT_PASSWORD: the server account's password goes into the broker files."
            )
        files = write_broker_config(
            options["out"],
            server_username=settings.NGUON_MQTT_USERNAME,
            server_password=settings.NGUON_MQTT_PASSWORD,
            bind=options["bind"],
            port=options["port"],
        )
        self.stdout.write(
            f"Wrote passwd, acl and mosquitto.conf to {options['out']} ({files.devices} device(s) and the server "
            f"account {settings.NGUON_MQTT_USERNAME}). Reload Mosquitto (SIGHUP) to apply."
        )

    def _ingest(self, options: dict[str, Any]) -> None:
        from nguon.devices.ingest_loop import IngestLoop

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        loop = IngestLoop(server_account())
        self.stdout.write(f"Ingest: {server_account()!r}; Ctrl-C to stop.")
        loop.run(stop)
        self.stdout.write(f"Ingest stopped: {dict(loop.counts)}")

    def _send(self, options: dict[str, Any]) -> None:
        try:
            body = json.loads(options["body"])
        except json.JSONDecodeError as error:
            raise CommandError(f"--body is not JSON: {error}") from None
        record = commands.send_command(
            actor=ACTOR, device=self._device(options["device_id"]), type=options["type"], body=body
        )
        record.refresh_from_db()
        state = "published" if record.published_at else "NOT published (broker unreachable; see the log)"
        self.stdout.write(f"{record.device.device_id} #{record.seq} {record.type}: {state}.")

    def _broker(self, options: dict[str, Any]) -> None:
        import asyncio
        import logging

        from nguon.devices.embedded_broker import Rules, embedded_settings, serve

        if not settings.NGUON_MQTT_PASSWORD:
            raise CommandError("Set NGUON_MQTT_PASSWORD: the server account's password.")
        try:
            port = options["port"] or embedded_settings().port
        except ValueError as error:
            raise CommandError(str(error)) from None
        rules = Rules(settings.NGUON_MQTT_USERNAME, settings.NGUON_MQTT_PASSWORD)

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await serve(rules, host=options["host"], port=port, stop=stop)

        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self.stdout.write(f"Embedded MQTT broker on {options['host']}:{port}; Ctrl-C to stop.")
        asyncio.run(run())

    def _alerts(self, options: dict[str, Any]) -> None:
        from datetime import timedelta

        from nguon.devices.services.alerts import check_alerts

        summary = check_alerts(threshold=timedelta(minutes=options["threshold_minutes"]))
        self.stdout.write(
            f"Alerts opened: {summary.opened}, closed: {summary.closed}, pending: {summary.pending}."
        )

    def _list(self, options: dict[str, Any]) -> None:
        for device in Device.objects.select_related("unit").order_by("unit__path", "device_id"):
            s = device_status(device)
            flags = " ".join(
                f"{name}={'?' if value is None else 'yes' if value else 'no'}"
                for name, value in (("connected", s.connected), ("fresh", s.fresh), ("healthy", s.healthy))
            )
            self.stdout.write(f"{device.device_id}  {device.serial:<20} {device.unit.name:<24} {flags}")
