"""E-board manifest polling (issue 7): N simulated boards poll ``GET /api/v1/devices/me/manifest`` with their
bearer token and ``If-None-Match``, beside a bare Django view with an ETag, served by the same gunicorn in the
same run.

    .venv/bin/python bench/boards_manifest.py                 # 10,000 boards, PostgreSQL, ~2 min of load
    .venv/bin/python bench/boards_manifest.py --quick         # 1,000 boards, short rounds
    .venv/bin/python bench/boards_manifest.py --worker-class sync --keep-alive

Set-up: a throw-away PostgreSQL database (``--database-url``, default ``nguon_bench_boards``, dropped and
made anew), migrated; N e-board devices in 100 made-up communes, each with an active credential (its own
random bearer token; one shared MQTT password hash, the broker is not used) and one synthetic e-board
manifest of three windows (text slides in Vietnamese, a clock, a ticker), all written with ``bulk_create``.

Server: gunicorn as a subprocess on a free port, ``--workers`` = cores and ``--worker-class gthread --threads
4`` by default, access log on (as ``nguon start`` runs it; to /dev/null here), the real ``nguon.wsgi``
application whose URLconf is, at runtime in the server process only, the product's plus one bare view
(``/bench/bare-manifest``: no database, a constant small JSON, ETag / 304; every middleware still runs).

Load: separate processes (``--loaders``), asyncio streams speaking HTTP/1.1, cycling through the N tokens.
By default each request opens its own TCP connection (a board polling every 30 s finds its previous
connection long closed); ``--keep-alive`` reuses connections. Rounds:

1. saturation (closed loop, ``--concurrency`` requests in flight): bare 304, manifest 304, manifest 304,
   bare 304 (each kind early and late; figures are the two rounds together) → requests/s, p50, p99, server
   CPU per request (gunicorn's processes, from psutil);
2. the 200 path, once each: manifest without ``If-None-Match`` (signed and gzipped per request) and the bare
   view's 200;
3. the poll rate (open loop): N / ``--poll-interval`` requests/s spread evenly, latency counted from the
   scheduled instant (no coordinated omission), manifest 304 and bare 304.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from harness import (
    bench_units,
    ensure_postgres_database,
    free_port,
    raise_file_limit,
)  # bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/nguon_bench_boards"
MANIFEST_PATH = "/api/v1/devices/me/manifest"
BARE_PATH = "/bench/bare-manifest"
BARE_ETAG = '"1-bench0000000000000000"'
EXPECTED = {"manifest-304": 304, "bare-304": 304, "manifest-200": 200, "bare-200": 200}

# -- the server side: the product's URLconf plus one bare view, only inside the gunicorn started here --------
urlpatterns: list[Any] = []  # filled by wsgi_app() in the server process


def _bare_manifest(request: Any) -> Any:
    """The baseline: what any ETag'd JSON costs through the same middleware, with no token and no database."""
    from django.http import HttpResponse, JsonResponse

    if request.headers.get("If-None-Match", "") == BARE_ETAG:
        response: Any = HttpResponse(status=304)
    else:
        response = JsonResponse({"v": 1, "version": 1, "mode": "eboard", "items": [], "emergency": None})
    response["ETag"] = BARE_ETAG
    response["Cache-Control"] = "private, no-cache"
    return response


def wsgi_app() -> Any:
    """gunicorn's application factory (``boards_manifest:wsgi_app()``)."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path

    application = get_wsgi_application()
    if os.environ.get("NGUON_BENCH_API_ONLY"):  # see product_urlconf_problem()
        from nguon.api import api

        product = [path("api/v1/", api.urls)]
    else:
        product = [path("", include("nguon.urls"))]
    # The bare view comes last: its URL is resolved after every product pattern has been tried.
    urlpatterns[:] = [*product, path(BARE_PATH.lstrip("/"), _bare_manifest)]
    settings.ROOT_URLCONF = __name__
    return application


def product_urlconf_problem() -> str:
    """Why the product's URLconf does not import (another app half-edited), or "" when it does."""
    try:
        import nguon.urls  # noqa: F401
    except ImportError as error:
        return str(error)
    return ""


# -- data ------------------------------------------------------------------------------------------------
def _windows(now: Any) -> list[dict[str, Any]]:
    """Three windows today as the boards app would write them: bulletins as text, a clock, a ticker."""
    from nguon.devices.protocol.timestamps import format_ts

    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    bulletin = (
        "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng cho trẻ em dưới 5 tuổi tại trạm y tế xã "
        "từ 7 giờ 30 đến 11 giờ sáng thứ Bảy.\nĐề nghị các hộ gia đình mang theo sổ tiêm chủng."
    )
    slides = [
        {"id": "s1", "kind": "text", "layout": "full", "theme": "dark", "heading": "Thông báo tiêm chủng",
         "body": bulletin, "duration_ms": 15000, "source": {"type": "bulletin", "id": "b-1024"}},
        {"id": "s2", "kind": "text", "layout": "ticker", "theme": "light", "heading": "Phòng chống lũ, sạt lở",
         "body": "Người dân không đi qua ngầm, tràn khi nước lũ dâng cao.", "ticker": "Dự báo: mưa to "
         "đến rất to, nguy cơ lũ quét và sạt lở đất ở vùng núi.", "duration_ms": 20000},
        {"id": "s3", "kind": "clock", "duration_ms": 10000},
    ]  # fmt: skip
    items = []
    for n, (start_h, hours) in enumerate(((6, 5), (11, 2), (13, 9))):
        items.append(
            {
                "id": f"w-{n}",
                "title": f"Khung giờ {n + 1}",
                "start": format_ts(day + timedelta(hours=start_h)),
                "duration_ms": hours * 3_600_000,
                "source": {"type": "board-schedule", "id": f"sch-{n}"},
                "slides": [{**slide, "id": f"{slide['id']}-{n}"} for slide in slides],
            }
        )
    return items


def populate(boards: int) -> tuple[list[tuple[str, str]], int, int]:
    """N e-boards with a credential and a manifest; returns (token, etag) pairs and the 200 body sizes."""
    from django.db import transaction
    from django.utils import timezone

    from nguon.devices.credentials import mosquitto_hash, new_secret, token_hash
    from nguon.devices.models import Device, DeviceCredential, DeviceManifest
    from nguon.devices.protocol.commands import encode
    from nguon.devices.protocol.manifests import build_manifest, manifest_etag, sign_manifest
    from nguon.devices.signing import server_key

    _province, communes = bench_units(100)
    now = timezone.now()
    windows = _windows(now)
    shared_hash = mosquitto_hash(new_secret())
    pairs: list[tuple[str, str]] = []
    size = gzipped = 0
    for start in range(0, boards, 2000):
        with transaction.atomic():
            devices = Device.objects.bulk_create(
                [
                    Device(
                        device_id=f"d-{i:012x}",
                        kind="eboard",
                        serial=f"EB-{i:06d}",
                        name=f"Bảng điện tử {i}",
                        unit=communes[i % len(communes)],
                        panel="led",
                        resolution="384x192",
                    )
                    for i in range(start, min(boards, start + 2000))
                ]
            )
            tokens = [new_secret() for _ in devices]
            issued = {"mqtt_password_hash": shared_hash, "issued_at": now, "issued_by": "bench"}
            DeviceCredential.objects.bulk_create(
                [
                    DeviceCredential(device=d, token_hash=token_hash(t), **issued)
                    for d, t in zip(devices, tokens, strict=True)
                ]
            )
            bodies = [
                build_manifest(device=d.device_id, version=1, mode="eboard", items=windows, generated_at=now)
                for d in devices
            ]
            made = {"version": 1, "media_sha256": [], "created_at": now, "created_by_label": "bench"}
            manifests = [
                DeviceManifest(device=d, etag=manifest_etag(b), body=b, **made)
                for d, b in zip(devices, bodies, strict=True)
            ]
            DeviceManifest.objects.bulk_create(manifests)
            pairs.extend((t, m.etag) for t, m in zip(tokens, manifests, strict=True))
            if not size:  # what the 200 path sends (signing also checks the body against the schema)
                signed = encode(sign_manifest(server_key(), manifests[0].body))
                size, gzipped = len(signed), len(gzip.compress(signed, 6))
    return pairs, size, gzipped


# -- load ------------------------------------------------------------------------------------------------
def _request(mode: str, host: str, token: str, etag: str, keep_alive: bool) -> bytes:
    path = BARE_PATH if mode.startswith("bare") else MANIFEST_PATH
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: Bearer {token}",
        "Accept-Encoding: gzip",
        "User-Agent: nguon-board-bench/1",
    ]
    if mode.endswith("304"):
        lines.append(f"If-None-Match: {BARE_ETAG if mode.startswith('bare') else etag}")
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Client:
    """One HTTP/1.1 client connection slot: a fresh connection per request, or a reused one (keep-alive)."""

    def __init__(self, port: int, keep_alive: bool) -> None:
        self.port, self.keep_alive = port, keep_alive
        self.stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _close(self) -> None:
        if self.stream is not None:
            self.stream[1].close()
            self.stream = None

    async def get(self, request: bytes) -> int:
        if not self.keep_alive:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(request)
            data = await reader.read(-1)
            writer.close()
            return int(data[9:12])
        for attempt in (1, 2):  # a reused connection the server closed meanwhile: reconnect once
            if self.stream is None:
                self.stream = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.stream
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                await self._close()
                if attempt == 2:
                    raise
                continue
            status, length, close = int(head[9:12]), 0, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await reader.readexactly(length)
            if close:
                await self._close()
            return status
        raise AssertionError("unreachable")


def _loader(
    port: int,
    mode: str,
    pairs: list[tuple[str, str]],
    spec: dict[str, Any],
    results: Any,
) -> None:
    """A load process: closed loop (``spec["concurrency"]`` in flight) or open loop (``spec["rate"]``)."""
    raise_file_limit()
    host = f"127.0.0.1:{port}"
    requests = [_request(mode, host, t, e, spec["keep_alive"]) for t, e in pairs]
    latencies: list[float] = []
    statuses: Counter[int | str] = Counter()

    async def one(client: _Client, request: bytes, since: float) -> None:
        try:
            statuses[await client.get(request)] += 1
        except (OSError, ValueError, asyncio.IncompleteReadError) as error:
            statuses[type(error).__name__] += 1
            return
        latencies.append(time.perf_counter() - since)

    async def closed(deadline: float) -> None:
        position = [0]

        async def slot() -> None:
            client = _Client(port, spec["keep_alive"])
            while time.perf_counter() < deadline:
                request = requests[position[0] % len(requests)]
                position[0] += 1
                await one(client, request, time.perf_counter())
            await client._close()

        await asyncio.gather(*(slot() for _ in range(spec["concurrency"])))

    async def opened(begin: float, deadline: float) -> None:
        interval, tasks, k = 1 / spec["rate"], set(), 0
        while (scheduled := begin + spec["offset"] + k * interval) < deadline:
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            task = asyncio.create_task(one(_Client(port, False), requests[k % len(requests)], scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            k += 1
        if tasks:  # beyond capacity the backlog grows: what is still unanswered 30 s after the end counts
            _done, late = await asyncio.wait(set(tasks), timeout=30)
            statuses["unanswered"] += len(late)
            for task in late:
                task.cancel()

    async def main() -> float:
        await asyncio.sleep(max(0.0, spec["start_at"] - time.time()))
        begin = time.perf_counter()
        deadline = begin + spec["duration"]
        cpu = time.process_time()
        if spec["rate"]:
            await opened(begin, deadline)
        else:
            await closed(deadline)
        spec["cpu"] = time.process_time() - cpu
        return time.perf_counter() - begin

    elapsed = asyncio.run(main())
    results.put({"latencies": latencies, "statuses": dict(statuses), "elapsed": elapsed, "cpu": spec["cpu"]})


class Round:
    """One round's figures (or several rounds' together: their parts, durations and CPU times added)."""

    def __init__(
        self, mode: str, parts: list[dict[str, Any]], duration: float, server_cpu: float, db_cpu: float
    ) -> None:
        self.mode, self.parts, self.duration, self.server_cpu, self.db_cpu = (
            mode,
            parts,
            duration,
            server_cpu,
            db_cpu,
        )
        self.latencies = sorted(x for p in parts for x in p["latencies"])
        self.statuses: Counter[Any] = Counter()
        for part in parts:
            self.statuses.update(part["statuses"])
        self.client_cpu = sum(p["cpu"] for p in parts)
        self.count = len(self.latencies)

    def __add__(self, other: Round) -> Round:
        return Round(
            self.mode,
            self.parts + other.parts,
            self.duration + other.duration,
            self.server_cpu + other.server_cpu,
            self.db_cpu + other.db_cpu,
        )

    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != EXPECTED[self.mode])


def _server_cpu(server: subprocess.Popen[bytes], database_url: str) -> dict[tuple[str, int], float]:
    """CPU seconds so far of gunicorn's processes and of the PostgreSQL backends serving its database."""
    import psutil  # type: ignore[import-untyped]
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        backends = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    master = psutil.Process(server.pid)
    found = [("web", p) for p in [master, *master.children(recursive=True)]]
    found += [("db", psutil.Process(pid)) for (pid,) in backends if psutil.pid_exists(pid)]
    total: dict[tuple[str, int], float] = {}
    for kind, process in found:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total[kind, process.pid] = times.user + times.system
    return total


def run_round(
    server: subprocess.Popen[bytes],
    port: int,
    mode: str,
    pairs: list[tuple[str, str]],
    *,
    database_url: str,
    loaders: int,
    duration: float,
    concurrency: int = 0,
    rate: float = 0.0,
    keep_alive: bool = False,
) -> Round:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 1.5  # every loader starts at the same instant, after spawning
    processes = []
    for n in range(loaders):
        spec = {
            "start_at": start_at,
            "duration": duration,
            "concurrency": max(1, concurrency // loaders),
            "rate": rate / loaders,
            "offset": n / rate if rate else 0.0,
            "keep_alive": keep_alive,
        }
        process = context.Process(target=_loader, args=(port, mode, pairs[n::loaders], spec, results))
        process.start()
        processes.append(process)
    time.sleep(max(0.0, start_at - time.time()))
    before = _server_cpu(server, database_url)
    parts = [results.get(timeout=duration + 120) for _ in processes]
    after = _server_cpu(server, database_url)
    for process in processes:
        process.join(10)
    cpu = {
        kind: sum(t - before.get((k, pid), 0.0) for (k, pid), t in after.items() if k == kind)
        for kind in ("web", "db")
    }
    return Round(mode, parts, max(p["elapsed"] for p in parts), cpu["web"], cpu["db"])


# -- report ----------------------------------------------------------------------------------------------
def _ms(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] * 1000 if values else float("nan")


def _cpu_ms(figures: Round) -> tuple[float, float]:
    """Server CPU per request in ms: gunicorn's processes, and the PostgreSQL backends serving them."""
    return figures.server_cpu / max(1, figures.count) * 1000, figures.db_cpu / max(1, figures.count) * 1000


def _line(label: str, figures: Round, baseline: Round | None = None) -> str:
    rps = figures.count / figures.duration
    web, db = _cpu_ms(figures)
    if not figures.latencies:
        return f"{label:<28} no answers: {dict(figures.statuses)}"
    p50, p99 = statistics.median(figures.latencies) * 1000, _ms(figures.latencies, 0.99)
    text = (
        f"{label:<28} {figures.count:>7,} req {rps:>6,.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
        f"CPU/req web {web:5.2f} ms + db {db:4.2f} ms"
    )
    if baseline is not None:
        base_rps = baseline.count / baseline.duration
        text += (
            f"  ratio to bare: rps {rps / base_rps:4.2f}×, p99 {p99 / _ms(baseline.latencies, 0.99):4.2f}×"
        )
        text += f", CPU {(web + db) / max(1e-9, sum(_cpu_ms(baseline))):4.2f}×"
    if figures.unexpected():
        text += f"  UNEXPECTED {dict(figures.statuses)}"
    return text


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    return f"{platform.machine()} · {os.cpu_count()} cores · {model} · Python {platform.python_version()}"


def _start_server(
    port: int, args: argparse.Namespace, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-m", "gunicorn", "boards_manifest:wsgi_app()",
        "--pythonpath", f"{BENCH},{ROOT / 'src'}", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
        "--access-logfile", "-", "--graceful-timeout", "5", "--backlog", "4096",
    ]  # fmt: skip
    with log.open("wb") as errors:
        server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{BARE_PATH}", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer; see {log}:\n" + "\n".join(log.read_text().splitlines()[-5:]))


def main() -> None:  # noqa: PLR0915 - one linear scenario reads best in one place
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--boards", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured round")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (saturation)")
    parser.add_argument("--loaders", type=int, default=2, help="load-generator processes")
    parser.add_argument("--poll-interval", type=float, default=30.0, help="seconds between a board's polls")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep-alive", action="store_true", help="reuse connections (default: one each)")
    parser.add_argument("--database-url", default=os.environ.get("NGUON_BENCH_PG_URL", DEFAULT_DB))
    parser.add_argument("--quick", action="store_true", help="1,000 boards, 3-second rounds")
    args = parser.parse_args()
    if args.quick:
        args.boards, args.duration = min(args.boards, 1000), 3.0
    raise_file_limit()
    data_dir = Path(tempfile.mkdtemp(prefix="nguon-bench-boards-"))
    env = {
        **os.environ,
        "NGUON_ENV": "test",
        "NGUON_DATA_DIR": str(data_dir),
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "nguon.settings",
        "NGUON_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    ensure_postgres_database(args.database_url, fresh=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    pairs, size, gzipped = populate(args.boards)
    populated = time.perf_counter() - started - migrated
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    connections.close_all()
    problem = product_urlconf_problem()
    if problem:  # the endpoint and every middleware are the same; only the other apps' URLs are missing
        env["NGUON_BENCH_API_ONLY"] = "1"
        print(f"note: the product URLconf does not import ({problem}); serving /api/v1/ alone")
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine skews rps
    port = free_port()
    server = _start_server(port, args, env, data_dir / "gunicorn.log")
    poll_rate = args.boards / args.poll_interval

    def go(mode: str, duration: float, **how: Any) -> Round:
        return run_round(
            server,
            port,
            mode,
            pairs,
            database_url=args.database_url,
            duration=duration,
            loaders=args.loaders,
            **how,
        )

    saturated = {"concurrency": args.concurrency, "keep_alive": args.keep_alive}
    try:
        for mode in ("bare-304", "manifest-304", "manifest-200"):  # warm every worker and thread
            go(mode, 2, **saturated)
        early_bare, early, late, late_bare = (
            go(mode, args.duration, **saturated)
            for mode in ("bare-304", "manifest-304", "manifest-304", "bare-304")
        )
        full = {mode: go(mode, args.duration / 2, **saturated) for mode in ("bare-200", "manifest-200")}
        paced = {mode: go(mode, args.duration, rate=poll_rate) for mode in ("manifest-304", "bare-304")}
    finally:
        server.terminate()
        server.wait(15)
    bare, manifest = early_bare + late_bare, early + late
    capacity = manifest.count / manifest.duration
    print(f"machine: {_machine()}")
    print(
        f"database: PostgreSQL {pg_version} (migrated in {migrated:.0f} s); boards: {args.boards:,} e-boards "
        f"with token and manifest (written in {populated:.1f} s); manifest 200 body {size:,} B, "
        f"{gzipped:,} B gzipped"
    )
    print(
        f"server: gunicorn {args.workers} workers × {args.worker_class}"
        f"{f' {args.threads} threads' if args.worker_class == 'gthread' else ''}, access log on; "
        f"load: {args.loaders} processes, {'keep-alive' if args.keep_alive else 'a new connection per request'}"
    )
    print(f"saturation ({args.concurrency} in flight; two {args.duration:.0f}-s rounds each, ABBA order):")
    print("  " + _line("bare view 304", bare))
    print("  " + _line("manifest 304 (token, ETag)", manifest, bare))
    print(f"the 200 path ({args.concurrency} in flight, one {args.duration / 2:.0f}-s round each):")
    print("  " + _line("bare view 200 (small JSON)", full["bare-200"]))
    print("  " + _line("manifest 200 (signed, gzip)", full["manifest-200"], full["bare-200"]))
    print(
        f"at the poll rate: {args.boards:,} boards every {args.poll_interval:.0f} s = {poll_rate:,.0f} req/s offered:"
    )
    print("  " + _line("bare view 304", paced["bare-304"]))
    print("  " + _line("manifest 304 (token, ETag)", paced["manifest-304"], paced["bare-304"]))
    cpu_ms = sum(_cpu_ms(manifest))
    cores = os.cpu_count() or 1
    print(
        f"one board polling every {args.poll_interval:.0f} s: {1 / args.poll_interval:.3f} req/s ≈ "
        f"{cpu_ms / args.poll_interval:.2f} ms of server CPU (web + db) per second; {args.boards:,} boards "
        f"offer {poll_rate:,.0f} req/s = {poll_rate / capacity:.0%} of the 304 capacity measured here "
        f"({capacity:,.0f} req/s ≈ {capacity * args.poll_interval:,.0f} boards at that interval)"
    )
    print(
        f"CPU-bound estimate with all {cores} cores for the server: {cores * 1000 / cpu_ms:,.0f} req/s ≈ "
        f"{cores * 1000 / cpu_ms * args.poll_interval:,.0f} boards "
        f"(bare view: {cores * 1000 / sum(_cpu_ms(bare)):,.0f} req/s)"
    )
    print(
        f"load generator CPU in the saturation rounds: {manifest.client_cpu + bare.client_cpu:.1f} s; "
        f"load average before {load_before}, after {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
