"""Issue 9 benchmark: a half-year report over ~20 million play receipts (≈ 3,000 clusters × 20 plays a day
× 365 days) on PostgreSQL, beside a naive GROUP BY over the raw receipts in the same run (goal < 2 s).

    .venv/bin/python bench/reports_halfyear.py             # 21.9 M receipts (takes a while to load)
    .venv/bin/python bench/reports_halfyear.py --quick     # 2.19 M receipts (300 clusters)

A fresh database (``nguon_bench_reports``) is migrated, a made-up province of 92 communes gets the
clusters, and the receipts are generated inside PostgreSQL (generate_series). Then, timed (median of 3 runs each):

1. naive: the broadcasts of the half-year per commune straight from the receipts (count, Σ duration,
   emergencies) — a JOIN to devices and a GROUP BY over the period's ~11 M rows;
2. the report: ``reports.selectors.tables.table("2026-H1", province)`` — every indicator of every commune
   (broadcasts from the daily rollup), after a one-off ``rollup.rebuild_all()`` whose time is printed too;
3. one more day of receipts arriving (3,000 × 20), then ``rollup.refresh()`` (the incremental cost a report
   pays when receipts came in since the last one).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import bench_units, ensure_postgres_database  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nguon_bench_reports")
PLAYS_PER_DAY = 20
DAYS = 365


def _median(run: Callable[[], Any], times: int = 3) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load(device_pks: list[int], first_day: datetime, days: int, prefix: str = "r") -> int:
    """Insert ``PLAYS_PER_DAY`` receipts per device per day, generated inside PostgreSQL (generate_series),
    30 days per statement."""
    from django.db import connection

    sql = """
        INSERT INTO devices_playreceipt (device_id, receipt_id, item_id, media_sha256, manifest_version,
            scheduled_at, started_at, ended_at, result, is_emergency, detail, received_at)
        SELECT d.id, %s || d.id || '-' || g.day || '-' || p.play, 'it', '', 1, t.at, t.at,
               t.at + make_interval(secs => 120 + p.play), 'played', (p.play = 0 AND g.day %% 30 = 0), '', now()
        FROM unnest(%s::int[]) AS d(id),
             generate_series(%s, %s) AS g(day),
             generate_series(0, %s) AS p(play),
             LATERAL (SELECT %s::timestamptz + g.day * interval '1 day'
                             + (30 * p.play + d.id %% 17) * interval '1 minute' AS at) AS t
    """
    count = 0
    with connection.cursor() as cursor:
        for first in range(0, days, 30):
            last = min(first + 30, days) - 1
            cursor.execute(sql, [prefix, device_pks, first, last, PLAYS_PER_DAY - 1, first_day])
            count += cursor.rowcount
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="300 clusters (≈ 2.2 M receipts)")
    args = parser.parse_args()
    devices = 300 if args.quick else args.devices
    ensure_postgres_database(URL, fresh=True)
    os.environ.update(
        NGUON_ENV="test",
        NGUON_DATA_DIR=tempfile.mkdtemp(prefix="nguon-bench-"),
        DATABASE_URL=URL,
        DJANGO_SETTINGS_MODULE="nguon.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

    from nguon.devices.models import Device, PlayReceipt
    from nguon.reports.periods import parse
    from nguon.reports.selectors.tables import table
    from nguon.reports.services import rollup

    call_command("migrate", verbosity=0)
    province, communes = bench_units(92)
    fleet = Device.objects.bulk_create(
        [
            Device(
                device_id=f"d-rep{i:08d}",
                kind="speaker_cluster",
                serial=f"REP-{i}",
                unit=communes[i % len(communes)],
                installed_on=date(2025, 1, 1),
            )
            for i in range(devices)
        ]
    )
    pks = [d.pk for d in fleet]
    period = parse("2026-H1")
    first_day = period.end - timedelta(days=DAYS)  # a year of receipts up to the period's end
    started = time.perf_counter()
    loaded = _load(pks, first_day.astimezone(UTC), DAYS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE devices_playreceipt")
    load_s = time.perf_counter() - started
    in_period = PlayReceipt.objects.filter(started_at__gte=period.start, started_at__lt=period.end).count()
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · {_cpu()} · PostgreSQL {connection.pg_version}"
    )
    print(
        f"data: {devices:,} clusters in 92 communes · {loaded:,} receipts over {DAYS} days "
        f"({in_period:,} in 2026-H1) · generated in PostgreSQL in {load_s:,.0f} s"
    )

    length = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())

    def naive() -> list[dict[str, Any]]:
        return list(
            PlayReceipt.objects.filter(
                result="played", started_at__gte=period.start, started_at__lt=period.end
            )
            .values("device__unit_id")
            .annotate(n=Count("pk"), emergency=Count("pk", filter=Q(is_emergency=True)), length=Sum(length))
            .order_by()
        )

    naive_s, naive_rows = _median(naive)
    started = time.perf_counter()
    rolled = rollup.rebuild_all()
    rebuild_s = time.perf_counter() - started
    report_s, report = _median(lambda: table(period, province))
    total_naive = sum(row["n"] for row in naive_rows)
    assert report.totals["broadcasts"] == total_naive, (report.totals["broadcasts"], total_naive)
    print(f"naive GROUP BY over the receipts (broadcasts only): {naive_s:8.2f} s  (median of 3)")
    print(
        f"report table, every indicator of 92 communes:       {report_s:8.2f} s  (median of 3) "
        f"→ {naive_s / report_s:,.1f}× faster than the naive query; goal < 2 s"
    )
    print(f"one-off rollup build: {rolled:,} daily rows in {rebuild_s:,.1f} s")
    more = _load(pks, period.end.astimezone(UTC), 1, prefix="x")
    started = time.perf_counter()
    days = rollup.refresh()
    refresh_s = time.perf_counter() - started
    print(
        f"incremental: {more:,} new receipts (one day) rolled up in {refresh_s:.2f} s ({len(days)} day(s) rebuilt)"
    )
    print(f"broadcasts counted: {report.totals['broadcasts']:,} (equal to the naive count)")


if __name__ == "__main__":
    main()
