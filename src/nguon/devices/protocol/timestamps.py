"""Protocol timestamps: RFC 3339 in UTC with a ``Z`` suffix, e.g. ``2026-11-26T07:30:00Z``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def format_ts(moment: datetime) -> str:
    """``moment`` (aware) as a protocol timestamp; whole seconds unless it has microseconds."""
    if moment.tzinfo is None:
        raise ValueError("protocol timestamps need an aware datetime")
    utc = moment.astimezone(UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_ts(value: str) -> datetime:
    """Parse a protocol timestamp; raise ValueError for anything else (offsets other than Z included)."""
    if not isinstance(value, str) or not _PATTERN.match(value):
        raise ValueError(f"not a protocol timestamp (RFC 3339, UTC, ending in Z): {value!r}")
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
