"""Writing many rows at once with PostgreSQL's ``COPY … FROM STDIN`` (several times quicker than
``bulk_create`` for wide rows: no SQL text to build, no parameters to quote in Python). PostgreSQL only;
callers keep ``bulk_create`` for the other databases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` (values in ``columns`` order; JSON already serialised) into ``model``'s table in the
    caller's transaction. The rows get no ``pk`` back."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
