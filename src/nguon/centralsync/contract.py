"""The upward contract v1: the envelope every batch travels in and the item shape shared by every dataset
(docs/integrations/central-sync.md; JSON Schemas in docs/integrations/central-sync/).

Modelled on the national data-sharing platforms (LGSP/NDXP): a versioned envelope naming the contract,
the sending province and system, the dataset and a batch id, then ``items`` — each with a stable ``id``
and the ``updated_at`` of what it describes, so the receiver keeps the newest version of each item.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from nguon import __version__

CONTRACT = "1"
SENDER_SYSTEM = "nguon"
#: Where the JSON Schemas of the contract live (docs/integrations/central-sync/*.json).
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "docs" / "integrations" / "central-sync"


def iso(value: datetime | date | None) -> str | None:
    """Times in UTC with an offset (``2026-11-26T08:00:00.123456+00:00``), dates as ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def number(value: int | Decimal | None) -> int | float | None:
    """A figure as a JSON number (decimals as floats, which is what JSON carries)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return int(value)


def canonical(value: Any) -> bytes:
    """The bytes a fingerprint is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Item:
    """One item of a dataset: its stable ``id``, when what it describes last changed, its fields, and
    where it sits in the dataset's order (``position``, for the cursor)."""

    id: str
    updated_at: datetime
    body: dict[str, Any]
    position: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the item's fields (without ``updated_at``): equal fingerprints, equal content."""
        return hashlib.sha256(canonical({"id": self.id, **self.body})).hexdigest()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "updated_at": iso(self.updated_at), **self.body}


def batch_id(dataset: str, start: str, items: list[Item]) -> str:
    """A batch's id: the same dataset, starting point and items give the same id (and so the same
    ``Idempotency-Key``) — a batch sent again after a lost acknowledgement is recognised as a repeat."""
    digest = hashlib.sha256(canonical([dataset, start, [[i.id, i.fingerprint] for i in items]]))
    return digest.hexdigest()[:32]


def idempotency_key(dataset: str, batch: str) -> str:
    return f"{dataset}:{batch}"


def envelope(
    *, dataset: str, province_code: str, batch: str, sent_at: datetime, items: list[Item]
) -> dict[str, Any]:
    """The document one POST carries."""
    return {
        "contract": CONTRACT,
        "province_code": province_code,
        "sender": {"system": SENDER_SYSTEM, "version": __version__},
        "dataset": dataset,
        "batch_id": batch,
        "sent_at": iso(sent_at),
        "items": [item.as_json() for item in items],
    }


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """One of the contract's JSON Schemas (``envelope`` or a dataset name)."""
    data: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data
