"""Radio compilation benchmark (radio issue): compile and publish a week of manifests for a whole province.

    .venv/bin/python bench/radio.py                       # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nguon_bench_radio .venv/bin/python bench/radio.py
    .venv/bin/python bench/radio.py --communes 10 --clusters 5  # a quick run

Set-up (not timed): a throw-away database (migrated, official units imported), the communes of Thái Nguyên
(92) with ``--clusters`` speaker clusters each, a pool of real MP3 files made by ffmpeg (64 kbit/s mono:
a 5 s jingle, talks of 1–4 minutes, a 2-minute fallback) and two daily programmes per commune (06:00 and
17:00, 30 minutes, 3–5 lines each), saved through ``save_programme``.

Measured:

1. ``compile_all``: for every commune, materialise, lay out 7 days for every cluster, sign and store each
   manifest, sign a ``manifest-changed`` per device and hand it to the publisher (in memory here: the MQTT
   fan-out is measured by ``bench/devices.py fanout``); then a second run where nothing changed;
2. baseline, in the same run: the same number of manifest rows (the same bodies) written with
   ``bulk_create`` in batches of 500 — no layout, no signing, no commands, no audit (median of 3);
3. what devices download: each manifest's JSON as served (signed), and the media each device needs.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("NGUON_ENV", "test")
os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-radio-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.environ['NGUON_DATA_DIR']}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")

from harness import ensure_postgres_database  # noqa: E402 - bench/ is the script's folder

if os.environ["DATABASE_URL"].startswith("postgres"):
    ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from nguon.content.models import MediaBlob  # noqa: E402
from nguon.core import access  # noqa: E402
from nguon.devices.models import CommandRecord, Device, DeviceManifest  # noqa: E402
from nguon.devices.protocol.canonical import canonical_json  # noqa: E402
from nguon.devices.protocol.manifests import sign_manifest  # noqa: E402
from nguon.devices.publisher import MemoryPublisher, use_publisher  # noqa: E402
from nguon.devices.signing import server_key  # noqa: E402
from nguon.radio.models import BroadcastSettings  # noqa: E402
from nguon.radio.services import compilation, programmes  # noqa: E402
from nguon.radio.services.settings import stored_audio  # noqa: E402
from nguon.units.models import AdministrativeUnit  # noqa: E402
from nguon.units.official_import import import_official_units  # noqa: E402

SYSTEM = access.SystemActor("bench")


def mp3(seconds: int, frequency: int) -> bytes:
    return subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
            "-i", f"sine=frequency={frequency}:duration={seconds}",
            "-ac", "1", "-b:a", "64k", "-f", "mp3", "pipe:1",
        ],
        check=True,
        capture_output=True,
    ).stdout  # fmt: skip


def upload(unit: AdministrativeUnit, audio: bytes, name: str) -> Any:
    """The file uploaded for the commune's station, as an operator would (stored once by its hash)."""
    file = SimpleUploadedFile(name, audio, content_type="audio/mpeg")
    with transaction.atomic(), stored_audio(actor=SYSTEM, unit=unit, upload=file) as blob:
        return blob


def set_up(communes: list[AdministrativeUnit], clusters: int) -> None:
    files = {"jingle": mp3(5, 880), "fallback": mp3(120, 220)}
    files |= {f"talk{n}": mp3(60 + 20 * n, 300 + 37 * n) for n in range(10)}  # 1:00 … 4:00
    devices = []
    pools: dict[int, dict[str, Any]] = {}
    for c, unit in enumerate(communes):
        pools[unit.pk] = pool = {name: upload(unit, audio, f"{name}.mp3") for name, audio in files.items()}
        BroadcastSettings.objects.update_or_create(unit=unit, defaults={"fallback_blob": pool["fallback"]})
        devices += [
            Device(
                device_id=f"d-{c:04x}{n:08x}",
                kind="speaker_cluster",
                serial=f"BENCH-{unit.code}-{n:03d}",
                unit=unit,
                name=f"Cụm loa {n + 1}",
            )
            for n in range(clusters)
        ]
    Device.objects.bulk_create(devices, batch_size=500)
    original = compilation.request_compile
    compilation.request_compile = lambda unit: None  # set-up only: compile once, timed, below
    try:
        today = timezone.localdate()
        for c, unit in enumerate(communes):
            for p, start in enumerate((clock(6, 0), clock(17, 0))):
                count = 3 + (c + p) % 3  # 3–5 lines
                pool = pools[unit.pk]
                lines = [programmes.ItemInput(kind="jingle", blob_sha256=pool["jingle"].sha256)] + [
                    programmes.ItemInput(
                        kind="audio", blob_sha256=pool[f"talk{(c * 3 + p * 5 + i) % 10}"].sha256
                    )
                    for i in range(count - 1)
                ]
                data = programmes.ProgrammeInput(
                    title=("Bản tin sáng", "Bản tin chiều")[p],
                    starts_on=today,
                    start_time=start,
                    duration_minutes=30,
                    rrule="FREQ=DAILY",
                    items=lines,
                    volume=70,
                )
                programmes.save_programme(actor=SYSTEM, unit=unit, data=data)
    finally:
        compilation.request_compile = original


def downloads() -> tuple[list[int], list[int], list[int]]:
    """Per device: bytes of its signed manifest JSON (plain, gzip) and of the media it needs."""
    key = server_key()
    latest: dict[int, DeviceManifest] = {}
    for manifest in DeviceManifest.objects.order_by("device_id", "version"):
        latest[manifest.device_id] = manifest
    sizes = dict(MediaBlob.objects.values_list("sha256", "size"))
    served = [canonical_json(sign_manifest(key, m.body)) for m in latest.values()]
    media_bytes = [sum(sizes[s] for s in m.media_sha256) for m in latest.values()]
    return [len(s) for s in served], [len(gzip.compress(s)) for s in served], media_bytes


def baseline(rows: int, repeat: int = 3) -> float:
    """Median seconds to bulk-insert ``rows`` manifest rows with the compiled bodies (``repeat`` times)."""
    bodies = list(DeviceManifest.objects.values_list("device_id", "body", "etag", "media_sha256")[:rows])
    samples = []
    for round_ in range(1, repeat + 1):
        made = [
            DeviceManifest(
                device_id=device_id,
                version=1000 * round_ + n,
                etag=etag,
                body=body,
                media_sha256=media,
                created_at=timezone.now(),
                created_by_label="bench",
            )
            for n, (device_id, body, etag, media) in enumerate(bodies)
        ]
        started = time.perf_counter()
        with transaction.atomic():
            DeviceManifest.objects.bulk_create(made, batch_size=500)
        samples.append(time.perf_counter() - started)
    DeviceManifest.objects.filter(version__gte=1000).delete()
    return statistics.median(samples)


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "cpu ?"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "cpu ?")


def mb(value: float) -> str:
    return f"{value / 1024 / 1024:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communes", type=int, default=92, help="communes of Thái Nguyên to use (92: all)")
    parser.add_argument("--clusters", type=int, default=30, help="speaker clusters per commune")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    import_official_units(actor=SYSTEM)
    communes = list(
        AdministrativeUnit.objects.filter(path__startswith="19/", level="commune", is_current=True).order_by(
            "path"
        )
    )[: args.communes]
    started = time.perf_counter()
    set_up(communes, args.clusters)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu_model()}, "
        f"Python {platform.python_version()}, database: {connection.vendor}"
    )
    print(
        f"data: {len(communes)} communes × {args.clusters} clusters = {len(communes) * args.clusters} devices, "
        f"2 programmes/day × 7 days, 3–5 lines each, fallback filling the rest of each 30-minute slot "
        f"(set-up {time.perf_counter() - started:.0f} s, not timed)"
    )
    publisher = MemoryPublisher()
    use_publisher(publisher)

    started = time.perf_counter()
    reports = compilation.compile_all(actor=SYSTEM)
    first = time.perf_counter() - started
    manifests = sum(r.manifests_changed for r in reports)
    items = sum(r.items for r in reports)
    commands = CommandRecord.objects.filter(type="manifest-changed").count()
    started = time.perf_counter()
    again = compilation.compile_all(actor=SYSTEM)
    unchanged = time.perf_counter() - started
    bulk = baseline(manifests)

    print(
        f"compile + publish, first run: {first:8.1f} s   {manifests} manifests ({items:,} items), "
        f"{commands} signed manifest-changed, {len(publisher.sent)} messages handed to the publisher"
    )
    print(
        f"baseline (bulk insert of {manifests} manifest rows, same bodies, median of 3): {bulk:8.2f} s   "
        f"ratio {first / bulk:6.1f}×   per device {first / max(manifests, 1) * 1000:.1f} ms "
        f"vs {bulk / max(manifests, 1) * 1000:.2f} ms"
    )
    print(
        f"second run, nothing changed: {unchanged:8.1f} s   "
        f"{sum(r.manifests_changed for r in again)} manifests changed   ratio to first {unchanged / first:.2f}"
    )
    manifest_bytes, gzipped, media_bytes = downloads()
    warnings = sum(len(r.warnings) for r in reports)
    print(
        f"per device download: manifest JSON (signed) median {statistics.median(manifest_bytes) / 1024:.1f} KiB, "
        f"max {max(manifest_bytes) / 1024:.1f} KiB (gzip median {statistics.median(gzipped) / 1024:.1f} KiB); "
        f"media median {mb(statistics.median(media_bytes))}, "
        f"max {mb(max(media_bytes))}"
    )
    print(
        f"all devices: manifests {mb(sum(manifest_bytes))}, media {mb(sum(media_bytes))} "
        f"(report download_bytes {mb(sum(r.download_bytes for r in reports))}); warnings: {warnings}"
    )


if __name__ == "__main__":
    main()
