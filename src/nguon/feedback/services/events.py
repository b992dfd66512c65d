"""The feedback timeline: one function adds an event (services call it inside their transaction)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from nguon.feedback.models import Feedback, FeedbackEvent


def actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    name = getattr(actor, "full_name", "") or getattr(actor, "username", "")
    return str(name or actor)[:200]


def add_event(
    *, feedback: Feedback, kind: str, actor: Any = None, message: str = "", internal: bool = True
) -> FeedbackEvent:
    """Append to ``feedback``'s timeline. ``internal`` events are for handlers only; the others are shown
    to the citizen (tracking page) and summarised in Open311 ``status_notes``. ``message`` must never hold
    the sender's personal data when the event is public."""
    return FeedbackEvent.objects.create(
        feedback=feedback,
        kind=kind,
        message=message,
        internal=internal,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        at=timezone.now(),
    )
