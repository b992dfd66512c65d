"""How an actor is named on rows that keep a label (commands, manifests, credentials)."""

from __future__ import annotations

from typing import Any

from nguon.core.access import SystemActor


def actor_label(actor: Any) -> str:
    if isinstance(actor, SystemActor):
        return f"[{actor.label}]"
    return str(actor.get_username())[:200]


def actor_user(actor: Any) -> Any:
    """The person behind ``actor`` for a foreign key, or None for the system."""
    return None if isinstance(actor, SystemActor) else actor
