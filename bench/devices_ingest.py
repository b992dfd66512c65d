"""Telemetry ingest benchmark (issue 5): heartbeats and receipts into the database, beside raw inserts.

    .venv/bin/python bench/devices_ingest.py --messages 100000 --database-url postgres://postgres@127.0.0.1:5432/nguon_bench_ingest

A throw-away database (SQLite by default; ``--database-url postgres://…`` for PostgreSQL, dropped, created and
migrated by the script) with D devices; M messages, half heartbeats and half receipts, through the pipeline
``nguon devices ingest`` uses (``services.ingest_pipeline.Pipeline``: batch N+1 is checked in this thread
while batch N is stored by the storing thread, on its own connection) in batches of ``--batch`` (2000); the
time runs until the last batch is committed; then the stored rows are counted (0 lost). ``--no-pipeline``
checks and stores each batch in this thread instead (``services.ingest_batch.handle_batch``). Baselines in
the same run: the same number of receipt rows written with ``bulk_create`` and (PostgreSQL) with ``COPY``
straight into the table, in the same batches, with no checks. ``--profile`` prints where the time goes.
Like ``nguon devices ingest``, the benchmark freezes the start-up objects for the garbage collector
(``ingest_loop.tune_gc``) before it builds the messages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import bench_units  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


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


def ingest(
    messages: int, devices: int, database_url: str | None, batch_size: int, *, profile: bool, pipelined: bool
) -> None:
    data_dir = tempfile.mkdtemp(prefix="nguon-bench-")
    if database_url and database_url.startswith("postgres"):
        from harness import ensure_postgres_database

        ensure_postgres_database(database_url, fresh=True)  # a fresh database each run
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
    from nguon.devices.models import Device, DeviceState, PlayReceipt
    from nguon.devices.protocol.timestamps import format_ts

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
    path += ", pipelined (storing thread)" if pipelined else ", one thread"
    print(f"machine: {os.cpu_count()} cores, {_cpu_model()}; load average {_loadavg()}")
    print(
        f"database: {connection.vendor}; {devices} devices; {messages} messages (half heartbeats, half receipts), "
        f"{size / 1e6:.1f} MB of JSON; batches of {batch_size}; {path}"
    )
    results, elapsed, cpu = _timed_ingest(batch, batch_size, profile=profile, pipelined=pipelined)
    stored = PlayReceipt.objects.count()
    expected = (messages + 1) // 2
    lost = expected - stored
    states = DeviceState.objects.filter(heartbeat__isnull=False).count()
    beating = len({n % devices for n in range(1, messages, 2)})  # devices that sent a heartbeat
    print(
        f"batched ingest:  {messages / elapsed:9,.0f} msgs/s   outcomes {results}   receipts {stored} of {expected}"
        f"   lost {lost}   device states {states} of {beating}"
    )
    print(
        f"  this process's CPU (all threads): {cpu / messages * 1e6:.1f} µs/msg ({cpu / elapsed:.0%} of the wall "
        "time; the database shares the machine)"
    )
    _ingest_baselines(fleet, messages, batch_size)


def _timed_ingest(
    batch: list[tuple[str, bytes]], batch_size: int, *, profile: bool, pipelined: bool
) -> tuple[dict[str, int], float, float]:
    """Outcome counts, wall time and CPU time of the ingest of ``batch``, until the last commit."""
    from nguon.devices.services.ingest import Outcome
    from nguon.devices.services.ingest_batch import handle_batch
    from nguon.devices.services.ingest_pipeline import Pipeline

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    results: dict[str, int] = {}

    def count(_token: int, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            results[outcome.result] = results.get(outcome.result, 0) + 1

    started, cpu = time.perf_counter(), time.process_time()
    if pipelined:
        pipeline: Pipeline[int] = Pipeline(count).start()
        for start in range(0, len(batch), batch_size):
            pipeline.submit(start, batch[start : start + batch_size])
        pipeline.close()  # returns after the last commit
    else:
        for start in range(0, len(batch), batch_size):
            count(start, handle_batch(batch[start : start + batch_size]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:  # this thread only: with the pipeline, the storing thread is not in it
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return results, elapsed, cpu


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch", type=int, default=2000, help="messages per handle_batch call")
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest, print the top 25")
    parser.add_argument(
        "--no-pipeline", action="store_true", help="check and store each batch in one thread (handle_batch)"
    )
    args = parser.parse_args()
    ingest(
        args.messages,
        args.devices,
        args.database_url,
        args.batch,
        profile=args.profile,
        pipelined=not args.no_pipeline,
    )


if __name__ == "__main__":
    main()
