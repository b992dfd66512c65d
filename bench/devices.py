"""Device fleet benchmarks (issue 5). Each figure is printed beside its baseline from the same run.

    .venv/bin/python bench/devices.py fanout --devices 2000     # signed command vs bare publish
    .venv/bin/python bench/devices.py ingest --messages 50000   # batched ingest vs raw bulk_create and COPY
    .venv/bin/python bench/devices.py memory --devices 2000     # RSS per simulated device

fanout: a private Mosquitto (password and ACL files as ``nguon devices broker-config`` writes them) and N
device connections spread over worker processes (aiomqtt). Round "bare": the server account publishes one
opaque payload of the same size to each device's command topic (QoS 1); latency = arrival at the device.
Round "signed": the server signs one emergency-start per device (Ed25519, sequence, timestamp) and
publishes them; latency = the moment the device has *verified* it (schema, signature, window, sequence).
Both from the same start instant, over the same connections. The workers stamp each arrival and check
the signed commands after the round (one device's check must not delay another's arrival: in the field
each device has its own processor); the verified instant is arrival + that device's own checking time.

ingest: a throw-away database (SQLite by default; ``--database-url postgres://…`` for PostgreSQL, created
and migrated by the script) with D devices; M messages, half heartbeats and half receipts, through
``services.ingest_batch.handle_batch`` in batches of ``--batch`` (2000), then counted (0 lost); baselines in
the same run: the same number of receipt rows written with ``bulk_create`` and (PostgreSQL) with ``COPY``
straight into the table, in the same batches, with no checks. ``--profile`` prints where the time goes.
Like ``nguon devices ingest``, the benchmark freezes the start-up objects for the garbage collector
(``ingest_loop.tune_gc``) before it builds the messages.

memory: N virtual devices (``devices/simulator.py``) connected to a private Mosquitto; resident memory
of the process before and after, divided by N.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import bench_units, free_port, raise_file_limit  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
SERVER, SERVER_PASSWORD = "nguon-server", "bench-server-password-0123456789"
#: Each kind once early and once late: whichever round comes second is slower on these machines.
ROUNDS = ("bare", "signed", "signed", "bare")


def _start_broker(
    directory: Path, port: int, credentials: list[tuple[str, str]] | None
) -> subprocess.Popen[bytes]:
    """Mosquitto on ``port``: with the generated passwd/acl when ``credentials`` are given, else anonymous."""
    directory.mkdir(parents=True, exist_ok=True)
    extra = ["user root"] if os.geteuid() == 0 else []
    if credentials is None:
        conf = f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n" + "\n".join(
            extra
        )
    else:
        from nguon.devices.broker_config import (
            ACL_FILE,
            PASSWORD_FILE,
            mosquitto_conf,
            render,
        )  # needs Django

        files = render(server_username=SERVER, server_password=SERVER_PASSWORD, credentials=credentials)
        (directory / PASSWORD_FILE).write_text(files.passwd)
        (directory / ACL_FILE).write_text(files.acl)
        conf = mosquitto_conf(directory, bind="127.0.0.1", port=port, extra=extra).replace(
            "persistence true", "persistence false"
        )
    (directory / "mosquitto.conf").write_text(conf)
    process = subprocess.Popen(
        [MOSQUITTO, "-c", str(directory / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            time.sleep(0.05)
        else:
            return process
    raise RuntimeError("mosquitto did not start")


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "no data"
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, (len(ordered) * 99) // 100)]
    return f"p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   (n={len(ordered)})"


# -- fan-out ----------------------------------------------------------------------------------------------
def _fanout_worker(
    port: int, devices: list[tuple[str, str]], public_key: str, ready: Any, results: Any
) -> None:
    import aiomqtt

    from nguon.devices.protocol.commands import CommandRefusedError, CommandVerifier
    from nguon.devices.protocol.keys import VerifyKey
    from nguon.devices.protocol.replay import MemorySequenceStore

    key = VerifyKey.from_b64(public_key)
    seen: list[tuple[str, str, float]] = []
    pending: list[tuple[str, Any, bytes, float]] = []

    async def device(
        device_id: str, password: str, gate: asyncio.Semaphore, connected: list[int], done: asyncio.Event
    ) -> None:
        verifier = CommandVerifier(device_id=device_id, public_key=key, sequences=MemorySequenceStore())
        async with gate:
            client = aiomqtt.Client(
                "127.0.0.1", port, username=device_id, password=password, identifier=device_id, keepalive=120
            )
            await client.__aenter__()
            await client.subscribe(f"nguon/v1/d/{device_id}/cmd", qos=1)
        connected[0] += 1
        got = 0
        async for message in client.messages:
            payload = bytes(message.payload)  # type: ignore[arg-type]
            if payload.startswith(b"BARE"):
                seen.append(("bare", device_id, time.time()))
            else:  # verified after the round, so that one device's check does not delay another's arrival
                arrived = time.time()
                pending.append((device_id, verifier, payload, arrived))
            got += 1
            if got == len(ROUNDS):
                break
        done.set()
        await client.__aexit__(None, None, None)

    async def main() -> None:
        gate = asyncio.Semaphore(100)
        connected = [0]
        events = [asyncio.Event() for _ in devices]
        tasks = [
            asyncio.create_task(device(d, p, gate, connected, e))
            for (d, p), e in zip(devices, events, strict=True)
        ]
        while connected[0] < len(devices):
            await asyncio.sleep(0.1)
        ready.put(len(devices))
        await asyncio.wait(tasks, timeout=120)
        for device_id, verifier, payload, arrived in pending:
            started = time.perf_counter()
            try:
                verifier.verify(payload)
                kind = "signed"
            except CommandRefusedError as refusal:
                kind = f"refused:{refusal.reason}"
            # as if each device checked its own command on its own processor, the moment it arrived
            seen.append(("signed-arrival", device_id, arrived))
            seen.append((kind, device_id, arrived + time.perf_counter() - started))
        results.put(seen)

    raise_file_limit()
    asyncio.run(main())


def fanout(count: int, workers: int) -> None:
    import django

    os.environ.setdefault("NGUON_ENV", "test")
    os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")
    django.setup()
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from nguon.devices.credentials import mosquitto_hash, new_secret
    from nguon.devices.protocol.keys import SigningKey

    raise_file_limit()
    key = SigningKey.generate()
    devices = [(f"d-{i:012x}", new_secret()) for i in range(count)]
    started = time.perf_counter()
    credentials = [(d, mosquitto_hash(p)) for d, p in devices]
    print(f"{count} device credentials hashed in {time.perf_counter() - started:.1f} s")
    port = free_port()
    broker = _start_broker(Path(tempfile.mkdtemp(prefix="nguon-bench-broker-")), port, credentials)
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Queue(), ctx.Queue()
    slices = [devices[i::workers] for i in range(workers)]
    procs = [
        ctx.Process(target=_fanout_worker, args=(port, s, key.public_b64(), ready, results)) for s in slices
    ]
    try:
        started = time.perf_counter()
        for proc in procs:
            proc.start()
        for _ in procs:
            ready.get(timeout=600)
        print(
            f"{count} devices connected in {time.perf_counter() - started:.1f} s ({workers} worker processes)"
        )
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-server")
        client.username_pw_set(SERVER, SERVER_PASSWORD)
        client.max_inflight_messages_set(1000)
        client.connect("127.0.0.1", port)
        client.loop_start()
        starts, notes = _publish_rounds(client, key, [d for d, _ in devices])
        seen: list[tuple[str, str, float]] = []
        for _ in procs:
            seen.extend(results.get(timeout=180))
        client.loop_stop()
        _report(seen, starts, notes, count)
    finally:
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
        broker.terminate()
        broker.wait(10)


def _publish_rounds(client: Any, key: Any, devices: list[str]) -> tuple[dict[str, list[float]], list[str]]:
    """Publish every round of :data:`ROUNDS`; return each kind's start instants and notes."""
    from nguon.devices.protocol.commands import encode, sign_command

    item = {
        "id": "canh-bao",
        "media": {"sha256": "a" * 64, "size": 1, "mime": "audio/mpeg", "url": "/m"},
        "duration_ms": 60000,
    }
    sample = encode(sign_command(key, device=devices[0], seq=1, type="emergency-start", body={"item": item}))
    bare = b"BARE" + b"x" * (len(sample) - 4)
    starts: dict[str, list[float]] = {"bare": [], "signed": []}
    notes: list[str] = []
    for number, kind in enumerate(ROUNDS, start=1):
        t0 = time.time()
        if kind == "bare":
            payloads = [bare] * len(devices)
        else:
            seq = len(starts["signed"]) + 1
            body = {"item": item}
            payloads = [
                encode(sign_command(key, device=d, seq=seq, type="emergency-start", body=body, check=i == 0))
                for i, d in enumerate(devices)
            ]
            notes.append(
                f"round {number}: signing {len(devices)} envelopes took {(time.time() - t0) * 1000:.0f} ms"
            )
        infos = [
            client.publish(f"nguon/v1/d/{d}/cmd", p, qos=1) for d, p in zip(devices, payloads, strict=True)
        ]
        for info in infos:
            info.wait_for_publish(60)
        notes.append(
            f"round {number} ({kind}): all published (PUBACK) after {(time.time() - t0) * 1000:.0f} ms"
        )
        starts[kind].append(t0)
        time.sleep(2)
    return starts, notes


def _latencies(seen: list[tuple[str, str, float]], starts: dict[str, list[float]], kind: str) -> list[float]:
    """The n-th message of a kind a device got belongs to the n-th round of that kind."""
    out: list[float] = []
    counter: dict[str, int] = {}
    base = starts["bare" if kind == "bare" else "signed"]
    for what, device_id, instant in sorted(seen, key=lambda s: s[2]):
        if what != kind:
            continue
        n = counter.get(device_id, 0)
        counter[device_id] = n + 1
        if n < len(base):
            out.append(instant - base[n])
    return out


def _report(
    seen: list[tuple[str, str, float]], starts: dict[str, list[float]], notes: list[str], count: int
) -> None:
    bare_lat = _latencies(seen, starts, "bare")
    arrival = _latencies(seen, starts, "signed-arrival")
    signed_lat = _latencies(seen, starts, "signed")
    refused = [kind for kind, _, _ in seen if kind.startswith("refused")]
    print(f"rounds: {', '.join(ROUNDS)} ({count} devices each)")
    print(f"bare publish, time to arrival:          {_percentiles(bare_lat)}")
    print(f"signed emergency, time to arrival:      {_percentiles(arrival)}")
    print(f"signed emergency, time to verification: {_percentiles(signed_lat)}")
    for note in notes:
        print(f"  {note}")
    if bare_lat and signed_lat:
        p99 = (
            sorted(signed_lat)[(len(signed_lat) * 99) // 100] / sorted(bare_lat)[(len(bare_lat) * 99) // 100]
        )
        lost = 2 * count - len(signed_lat)
        print(f"p99 signed / bare: {p99:.2f}×   lost: {lost}   refused: {len(refused)}")


# -- ingest ----------------------------------------------------------------------------------------------
def _ingest_messages(fleet: list[Any], messages: int, now: str) -> list[tuple[str, bytes]]:
    """Half heartbeats, half receipts (every receipt id distinct), devices in turn."""
    batch: list[tuple[str, bytes]] = []
    for n in range(messages):
        device = fleet[n % len(fleet)].device_id
        if n % 2:
            message = {
                "v": 1,
                "device": device,
                "ts": now,
                "protocol": 1,
                "firmware": "bench",
                "volume": 50,
                "manifest_version": 1,
                "playing": None,
                "uptime_s": n,
            }
            batch.append((f"nguon/v1/d/{device}/tele/heartbeat", json.dumps(message).encode()))
        else:
            message = {
                "v": 1, "device": device, "id": f"r-{n:010d}", "item": "it", "media": None, "manifest_version": 1,
                "scheduled_at": now, "started_at": now, "ended_at": now, "result": "played",
            }  # fmt: skip
            batch.append((f"nguon/v1/d/{device}/tele/receipt", json.dumps(message).encode()))
    return batch


def ingest(messages: int, devices: int, database_url: str | None, batch_size: int, profile: bool) -> None:
    data_dir = tempfile.mkdtemp(prefix="nguon-bench-")
    os.environ["NGUON_ENV"] = "test"
    os.environ["NGUON_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nguon.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from nguon.devices.ingest_loop import tune_gc
    from nguon.devices.models import Device, PlayReceipt
    from nguon.devices.protocol.timestamps import format_ts
    from nguon.devices.services.ingest_batch import handle_batch

    call_command("migrate", verbosity=0)
    tune_gc()  # as `nguon devices ingest` does at start, before any message exists
    _province, (commune,) = bench_units(1)
    fleet = Device.objects.bulk_create(
        [
            Device(device_id=f"d-{i:012x}", kind="speaker_cluster", serial=f"B-{i}", unit=commune)
            for i in range(devices)
        ]
    )
    batch = _ingest_messages(fleet, messages, format_ts(timezone.now()))
    size = sum(len(p) for _, p in batch)
    path = "COPY fast path" if connection.vendor == "postgresql" else "ORM path"
    print(f"machine: {os.cpu_count()} cores, {_cpu_model()}; load average {_loadavg()}")
    print(
        f"database: {connection.vendor}; {devices} devices; {messages} messages (half heartbeats, half receipts), "
        f"{size / 1e6:.1f} MB of JSON; batches of {batch_size}; {path}"
    )
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    results: dict[str, int] = {}
    for start in range(0, len(batch), batch_size):
        for outcome in handle_batch(batch[start : start + batch_size]):
            results[outcome.result] = results.get(outcome.result, 0) + 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    stored = PlayReceipt.objects.count()
    expected = (messages + 1) // 2
    lost = expected - stored
    print(
        f"batched ingest:  {messages / elapsed:9,.0f} msgs/s   outcomes {results}   receipts {stored} of {expected}"
        f"   lost {lost}"
    )
    print(
        f"  of which this process's CPU: {cpu / messages * 1e6:.1f} µs/msg ({cpu / elapsed:.0%} of the wall time; "
        "the rest is waiting for the database, which shares the machine)"
    )
    _ingest_baselines(fleet, messages, batch_size)


def _ingest_baselines(fleet: list[Any], messages: int, batch_size: int) -> None:
    """The same number of receipt rows (distinct ids), no checks, one transaction per batch: with
    ``bulk_create`` (model objects built beforehand) and, on PostgreSQL, with COPY straight into the table."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nguon.devices.models import PlayReceipt
    from nguon.devices.protocol.timestamps import format_ts

    received = timezone.now()
    rows = [
        PlayReceipt(
            device=fleet[n % len(fleet)],
            receipt_id=f"raw-{n:010d}",
            item_id="it",
            manifest_version=1,
            result="played",
            received_at=received,
        )
        for n in range(messages)
    ]
    started = time.perf_counter()
    for start in range(0, len(rows), batch_size):
        with transaction.atomic():
            PlayReceipt.objects.bulk_create(rows[start : start + batch_size])
    raw = time.perf_counter() - started
    print(
        f"raw bulk_create: {messages / raw:9,.0f} rows/s   (receipt rows, model objects built beforehand, "
        f"batches of {batch_size}, no checks)"
    )
    if connection.vendor != "postgresql":
        return
    now = format_ts(received)
    tuples = [
        (fleet[n % len(fleet)].pk, f"copy-{n:010d}", "it", "", 1, now, now, now, "played", False, "", now)
        for n in range(messages)
    ]
    columns = (
        "device_id, receipt_id, item_id, media_sha256, manifest_version, scheduled_at, started_at, ended_at, "
        "result, is_emergency, detail, received_at"
    )
    started = time.perf_counter()
    for start in range(0, len(tuples), batch_size):
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {PlayReceipt._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in tuples[start : start + batch_size]:
                copy.write_row(row)
    raw = time.perf_counter() - started
    print(
        f"raw COPY:        {messages / raw:9,.0f} rows/s   (the same receipt rows as tuples, COPY FROM STDIN "
        f"straight into the table, batches of {batch_size}, no checks, no dedupe)"
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- memory ----------------------------------------------------------------------------------------------
def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(count: int) -> None:
    from nguon.devices.protocol.bundle import Bundle
    from nguon.devices.protocol.keys import SigningKey
    from nguon.devices.protocol.timestamps import format_ts, utc_now
    from nguon.devices.simulator import Fleet, SimOptions

    raise_file_limit()
    port = free_port()
    broker = _start_broker(Path(tempfile.mkdtemp(prefix="nguon-bench-broker-")), port, None)
    key = SigningKey.generate().public_b64()
    bundles = [
        Bundle(
            device=f"d-{i:012x}",
            mode="speaker",
            protocol=1,
            mqtt_host="127.0.0.1",
            mqtt_port=port,
            mqtt_tls=False,
            mqtt_username=f"d-{i:012x}",
            mqtt_password="p" * 30,
            base_url="http://127.0.0.1:9",
            token="t" * 30,
            server_public_key=key,
            issued_at=format_ts(utc_now()),
            heartbeat_s=60,
        )
        for i in range(count)
    ]
    before = _rss_kb()
    fleet = Fleet(bundles, SimOptions(heartbeat_s=60, fetch_manifests=False, seed=1))

    async def run() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(fleet.run(stop))
        while fleet.stats.counts["connects"] < count:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        after = _rss_kb()
        print(
            f"{count} virtual devices connected: {(after - before) / count:.1f} KB each "
            f"({before / 1024:.0f} → {after / 1024:.0f} MB RSS)"
        )
        stop.set()
        await task

    try:
        asyncio.run(run())
    finally:
        broker.terminate()
        broker.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="bench", required=True)
    f = sub.add_parser("fanout")
    f.add_argument("--devices", type=int, default=2000)
    f.add_argument("--workers", type=int, default=2)
    i = sub.add_parser("ingest")
    i.add_argument("--messages", type=int, default=50_000)
    i.add_argument("--devices", type=int, default=1000)
    i.add_argument("--database-url", default=None)
    i.add_argument("--batch", type=int, default=2000, help="messages per handle_batch call")
    i.add_argument("--profile", action="store_true", help="cProfile the ingest, print the top 25")
    m = sub.add_parser("memory")
    m.add_argument("--devices", type=int, default=2000)
    args = parser.parse_args()
    if args.bench == "fanout":
        fanout(args.devices, args.workers)
    elif args.bench == "ingest":
        ingest(args.messages, args.devices, args.database_url, args.batch, args.profile)
    else:
        memory(args.devices)


if __name__ == "__main__":
    main()
