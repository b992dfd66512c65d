"""What several benchmarks need from their machine: a PostgreSQL database, file descriptors, a free port.

The benchmarks are run as scripts (``python bench/x.py``), so this folder is on their import path.
"""

from __future__ import annotations

import resource
import socket


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
