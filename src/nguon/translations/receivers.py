"""What the translations app does when the content app announces a change on public channels."""

from __future__ import annotations

from typing import Any

from nguon.translations import services


def on_bulletin_distributed(
    sender: Any, *, bulletin_id: int, revision: int, correcting: bool = False, **kwargs: Any
) -> None:
    """A correction went live: the translations made from the older revision are now stale."""
    if correcting:
        services.mark_stale(bulletin_id=bulletin_id, revision=revision)
