"""What several benchmarks need from their machine: a PostgreSQL database, file descriptors, a free port.

The benchmarks are run as scripts (``python bench/x.py``), so this folder is on their import path.
"""

from __future__ import annotations

import resource
import socket
from typing import Any


def ensure_postgres_database(url: str, *, fresh: bool = False) -> None:
    """Create the database ``url`` names when it is missing; ``fresh``: drop it first (an empty database)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def raise_file_limit() -> None:
    """Thousands of device connections: this process (and a broker it starts) need the descriptors."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_units(communes: int) -> tuple[Any, list[Any]]:
    """A made-up province 99 with ``communes`` communes (99001…), after Django is set up and migrated."""
    from nguon.units.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        code="99",
        name="Bench",
        full_name="Tỉnh Bench",
        kind="tinh",
        level="province",
        province_code="99",
        path="99/",
    )
    made = [
        AdministrativeUnit.objects.create(
            code=f"99{n:03d}",
            name=f"Xã {n}",
            full_name=f"Xã Bench {n}",
            kind="xa",
            level="commune",
            province_code="99",
            path=f"99/99{n:03d}/",
            parent=province,
        )
        for n in range(1, communes + 1)
    ]
    return province, made
