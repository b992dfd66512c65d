"""Shared by the benchmarks: create the PostgreSQL database a ``DATABASE_URL`` names when it is missing."""

from __future__ import annotations


def ensure_postgres_database(url: str, *, fresh: bool = False) -> None:
    """``fresh``: drop it first, for a benchmark that needs an empty database on every run."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
