"""Foundation benchmarks. Each figure is printed beside a baseline measured in the same run.

    .venv/bin/python bench/run.py            # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nguon_bench .venv/bin/python bench/run.py

The script migrates a throw-away database (created when it is PostgreSQL), imports the official units
and measures:

1. unit lookup by folded name (``search_units``) against a lookup by primary path (indexed equality);
2. a scoped residential-unit list for a commune editor against the same list unscoped;
3. appending to the hash-chained audit trail against inserting a plain row, one transaction each.

Area benchmarks run on their own, each with its baseline in the same run:

    .venv/bin/python bench/speech.py         # text → normalised MP3 beside raw espeak-ng + ffmpeg
    .venv/bin/python bench/search.py         # full-text search over 1,000,000 bulletins beside LIKE,
                                             # on SQLite and PostgreSQL (see docs/search.md)
    .venv/bin/python bench/boards_manifest.py  # 10,000 e-boards polling their manifest (ETag/304) beside
                                               # a bare Django view, gunicorn + PostgreSQL (docs/boards-bench.md)
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("NGUON_ENV", "test")
os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.environ['NGUON_DATA_DIR']}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")

from harness import ensure_postgres_database  # noqa: E402 - bench/ is the script's folder

if os.environ["DATABASE_URL"].startswith("postgres"):
    ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from nguon.accounts.choices import Role  # noqa: E402
from nguon.accounts.models import LoginFailure, User  # noqa: E402
from nguon.accounts.services import grant_role  # noqa: E402
from nguon.core import access, audit  # noqa: E402
from nguon.units import selectors, services  # noqa: E402
from nguon.units.models import AdministrativeUnit  # noqa: E402
from nguon.units.official_import import import_official_units  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, measured: list[float], baseline: list[float], unit: str = "ms") -> None:
    m, b = statistics.median(measured) * 1000, statistics.median(baseline) * 1000
    print(f"{name:<48} p50 {m:8.3f} {unit}   baseline p50 {b:8.3f} {unit}   ratio {m / b:6.1f}×")


def main() -> None:
    call_command("migrate", verbosity=0)
    import_official_units(actor=access.SYSTEM)
    commune = selectors.get_current_commune(code="05569")
    for i in range(200):
        services.save_residential_unit(
            actor=access.SYSTEM, commune=commune, local_code=f"B{i:03d}", name=f"Thôn {i}", kind="thon"
        )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database: {connection.vendor}"
    )
    print(f"data: {AdministrativeUnit.objects.count():,} units (200 residential in the measured commune)")

    search = timed(lambda: list(selectors.search_units(query="dinh hoa")), 200)
    exact = timed(lambda: AdministrativeUnit.objects.get(path="19/05569/"), 200)
    report("unit search by folded name ('dinh hoa')", search, exact)

    user = User.objects.filter(username="bench-editor").first() or User.objects.create(
        username="bench-editor"
    )
    grant_role(actor=access.SYSTEM, user=user, role=Role.COMMUNE_EDITOR, unit=commune)
    residential = AdministrativeUnit.objects.filter(level="residential")

    def scoped() -> None:
        access.forget_grants(user)  # include loading the grants, as a fresh request would
        list(access.scope(user, residential, access.UNITS_VIEW))

    unscoped = timed(lambda: list(residential.filter(parent=commune)), 200)
    report("scoped list of 200 residential units", timed(scoped, 200), unscoped)

    def append_audit() -> None:
        with transaction.atomic():
            audit.record(actor=access.SYSTEM, action="bench.event", after={"n": 1})

    def plain_insert() -> None:
        with transaction.atomic():
            LoginFailure.objects.create(username_key="bench", occurred_at=django.utils.timezone.now())

    report("audit append (hash chain, head lock)", timed(append_audit, 500), timed(plain_insert, 500))
    start = time.perf_counter()
    result = audit.verify()
    print(f"audit verify: {result.checked:,} rows in {time.perf_counter() - start:.3f} s (ok={result.ok})")


if __name__ == "__main__":
    main()
