"""Writes of the feeds app: moving the public-data version (:class:`~nguon.feeds.models.PublicVersion`).

No actor and no audit event: the version is a cache validator, not a record. Callers are the receivers of
:mod:`nguon.feeds.receivers` and the translation services (publish, unpublish, a save that takes a
published translation off).
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from nguon.feeds.models import PUBLIC_VERSION_ID, PublicVersion


def bump_public_version(*, when: bool = True) -> None:
    """Move the public-data version on (when ``when``).

    One statement, ``INSERT … ON CONFLICT (id) DO UPDATE SET number = number + 1, changed_at = now``:
    concurrent bumps queue on the row lock and none is lost, and a missing row (a flushed test database)
    is created. Inside a transaction the new number becomes visible together with the change that caused
    it."""
    if not when:
        return
    table = connection.ops.quote_name(PublicVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, number, changed_at) VALUES (%s, 1, %s) "  # noqa: S608 - table name only
            f"ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1, changed_at = EXCLUDED.changed_at",
            [PUBLIC_VERSION_ID, timezone.now()],
        )
