"""Emergency benchmark (radio issue): the time from "approve emergency" to the last targeted simulated
device's receipt, beside a baseline measured in the same run.

    .venv/bin/python bench/radio_emergency.py --communes 5 --targeted 3 --clusters 30
    .venv/bin/python bench/radio_emergency.py --database-url postgres://postgres@127.0.0.1:5432/nguon_bench_em

Set-up: a throw-away database (SQLite by default; a PostgreSQL one is dropped and made anew), C communes
with K speaker clusters each, every cluster provisioned; a private Mosquitto configured from the registry
(passwords and ACL as ``nguon devices broker-config`` writes them); the real ingest (``IngestLoop``) and
the real MQTT publisher in this process; every cluster a virtual device of ``devices/simulator.py`` (its
own MQTT connection, signature checks, receipts with acknowledgements), all of them in one child process
so that they do not share the server's interpreter lock. ``BENCH_PROFILE=1`` profiles the order call.

Measured: a provincial approver, TOTP-verified, calls ``request_emergency`` for T of the C communes
(no second approver): the clock runs from the call until the ingest has stored an emergency receipt from
every targeted cluster. It also checks that no cluster outside the targets played it.

Baseline (same run, same devices, same broker): one signed ``volume`` command to each targeted cluster and
the time until the ingest has stored every device's acknowledgement — the bare command round trip, without
the order, the CAP message, the manifests or the playing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import bench_units, free_port, raise_file_limit  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
SERVER_PASSWORD = "bench-server-password-0123456789"  # noqa: S105 - a throw-away broker


def _wait(
    check: Callable[[], bool],
    step: Callable[[], object],
    timeout: float,
    what: str,
    progress: Callable[[], object] = str,
) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what} ({progress()})")
        step()


def _setup_django(database_url: str | None, port: int) -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="nguon-bench-em-"))
    os.environ.update(
        {
            "NGUON_ENV": "test",
            "NGUON_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url or f"sqlite:///{data_dir}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "nguon.settings",
            "NGUON_MQTT_URL": f"mqtt://127.0.0.1:{port}",
            "NGUON_DEVICE_MQTT_URL": f"mqtt://127.0.0.1:{port}",
            "NGUON_MQTT_PASSWORD": SERVER_PASSWORD,
        }
    )
    if database_url:
        from harness import ensure_postgres_database

        ensure_postgres_database(database_url, fresh=True)
    import django

    django.setup()
    return data_dir


def _approver(province: Any) -> tuple[Any, str]:
    import pyotp

    from nguon.accounts import services
    from nguon.accounts.choices import Role
    from nguon.core.access import SystemActor

    actor = SystemActor("bench")
    user = services.create_user(
        actor=actor,
        username="pheduyet.bench",
        password="Mat-khau-bench-2026",  # noqa: S106 - a throw-away account
        home_unit=province,
    )
    services.grant_role(actor=actor, user=user, role=Role.PROVINCIAL_APPROVER, unit=province)
    secret = pyotp.random_base32()
    services.set_totp_secret(actor=actor, user=user, secret=secret)
    user.is_2fa_verified = True
    return user, secret


def _tone_blob() -> Any:
    """One second of a 440 Hz tone stored as a MediaBlob (checked by content like any upload)."""
    import io
    import math
    import struct
    import wave

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from nguon.content.services.attachments import stored_blob

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / 8000))) for n in range(8000)
            )
        )
    with transaction.atomic(), stored_blob(SimpleUploadedFile("tone.wav", buffer.getvalue())) as blob:
        return blob


def _run_fleet(bundle_dicts: list[dict[str, Any]], stop: Any) -> None:
    """Child process: the virtual devices (no Django), until ``stop`` is set. In the field every device has
    its own processor; here they at least do not share the server's interpreter lock."""
    from nguon.devices.protocol.bundle import Bundle
    from nguon.devices.simulator import Fleet, SimOptions

    options = SimOptions(heartbeat_s=30, loss=0.0, ack_timeout_s=2.0, tick_s=0.05, max_play_s=0.1, seed=1)
    fleet = Fleet([Bundle.from_dict(d) for d in bundle_dicts], options)

    async def run() -> None:
        done = asyncio.Event()

        async def watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.2)
            done.set()

        watcher = asyncio.create_task(watch())
        await fleet.run(done)
        await watcher

    asyncio.run(run())


class _Fleet:
    def __init__(self, bundles: list[Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop = context.Event()
        self.process = context.Process(target=_run_fleet, args=([b.to_dict() for b in bundles], self.stop))
        self.process.start()

    def close(self) -> None:
        self.stop.set()
        self.process.join(20)
        if self.process.is_alive():
            self.process.terminate()


def main() -> None:  # noqa: PLR0915 - one linear scenario reads best in one place
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communes", type=int, default=5)
    parser.add_argument("--targeted", type=int, default=3)
    parser.add_argument("--clusters", type=int, default=30, help="speaker clusters per commune")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    raise_file_limit()
    port = free_port()
    data_dir = _setup_django(args.database_url, port)

    from django.core.management import call_command

    from nguon.core.access import SystemActor
    from nguon.devices.broker import server_account
    from nguon.devices.broker_config import CONF_FILE, write_broker_config
    from nguon.devices.ingest_loop import IngestLoop
    from nguon.devices.models import CommandRecord, DeviceState, PlayReceipt
    from nguon.devices.publisher import MqttPublisher, use_publisher
    from nguon.devices.services.commands import send_commands
    from nguon.devices.services.registry import register_device
    from nguon.devices.services.simulation import simulated_bundles
    from nguon.radio.services.emergencies import request_emergency

    call_command("migrate", verbosity=0)
    actor = SystemActor("bench")
    province, communes = bench_units(args.communes)
    devices = [
        register_device(actor=actor, kind="speaker_cluster", serial=f"EM-{c.code}-{k:03d}", unit=c)
        for c in communes
        for k in range(args.clusters)
    ]
    bundles, _ = simulated_bundles(actor=actor, devices=devices, cache=data_dir / "bundles.json")
    targets = communes[: args.targeted]
    targeted = [d for d in devices if d.unit_id in {c.pk for c in targets}]
    broker_dir = data_dir / "broker"
    extra = ["user root"] if os.geteuid() == 0 else []
    write_broker_config(
        broker_dir,
        server_username="nguon-server",
        server_password=SERVER_PASSWORD,
        port=port,
        extra_conf=extra,
    )
    mosquitto = subprocess.Popen(
        [MOSQUITTO, "-c", str(broker_dir / CONF_FILE)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    publisher = MqttPublisher(server_account(), client_id="nguon-bench-publisher")
    use_publisher(publisher)
    ingest = IngestLoop(server_account(), client_id="nguon-bench-ingest", reconnect_max_s=1)
    fleet: _Fleet | None = None
    try:
        time.sleep(0.5)
        ingest.start()
        _wait(ingest.connected.is_set, lambda: time.sleep(0.05), 10, "the ingest to connect")
        fleet = _Fleet(bundles)
        step = ingest.process_pending
        online = DeviceState.objects.filter(is_online=True)
        _wait(lambda: online.count() == len(devices), step, 60, "every virtual device to come online")
        blob = _tone_blob()
        approver, secret = _approver(province)

        import pyotp

        # Baseline: one signed command to each targeted cluster, until every acknowledgement is stored.
        started = time.perf_counter()
        records = send_commands(actor=actor, devices=targeted, type="volume", body={"level": 60})
        acked = CommandRecord.objects.filter(pk__in=[r.pk for r in records], accepted_at__isnull=False)
        _wait(
            lambda: acked.count() == len(targeted),
            step,
            60,
            "the volume acknowledgements",
            lambda: (
                f"{acked.count()} of {len(targeted)} acknowledged, "
                f"{CommandRecord.objects.filter(pk__in=[r.pk for r in records], published_at__isnull=False).count()} "
                f"published; ingest {dict(ingest.counts)}"
            ),
        )
        baseline = time.perf_counter() - started

        # Measured: approve an emergency for the targeted communes, until every emergency receipt is stored.
        from django.urls import reverse

        reverse("health")  # load the URLconf first, as a running web server has (the CAP message links to it)
        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        order = request_emergency(
            actor=approver,
            issuer_unit=province,
            units=targets,
            blob=blob,
            title="Bench: cảnh báo lũ",
            message="Sơ tán khỏi vùng trũng.",
            totp_code=pyotp.TOTP(secret).now(),
        )
        ordered = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        receipts = PlayReceipt.objects.filter(is_emergency=True)
        _wait(
            lambda: receipts.filter(device__in=targeted).count() >= len(targeted),
            step,
            120,
            "the emergency receipts",
        )
        measured = time.perf_counter() - started
        for _ in range(20):  # let stray messages in before checking that nobody else played it
            step()
        outside = receipts.exclude(device__in=targeted).count()
    finally:
        if fleet is not None:
            fleet.close()
        ingest.stop()
        publisher.close()
        mosquitto.terminate()
    from django.db import connection

    print(
        f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · Python {platform.python_version()}"
    )
    print(
        f"database: {connection.vendor}; broker: Mosquitto; devices: {len(devices)} clusters in {len(communes)} communes"
    )
    print(
        f"order {order.pk}: {len(targeted)} clusters targeted in {len(targets)} communes; "
        f"{outside} played outside the targets"
    )
    print(f"baseline  signed volume command → every ack stored:        {baseline:7.3f} s")
    print(
        f"measured  approve emergency → last targeted receipt stored: {measured:7.3f} s   "
        f"ratio {measured / baseline:5.2f}×"
    )
    print(
        f"          of which the order call (checks, broadcast, manifests, commands, CAP): {ordered:7.3f} s"
    )


if __name__ == "__main__":
    main()
