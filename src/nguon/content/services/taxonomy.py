"""Editing the content vocabularies administrators own: categories, the old-category map, policies."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404

from nguon.content.models import Category, LegacyCategory, WorkflowPolicy
from nguon.core import access, audit
from nguon.core.text import nfc

Vocabulary = Category | LegacyCategory | WorkflowPolicy

_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Category: ("code", "name", "group", "description", "is_active", "sort_order"),
    LegacyCategory: ("code", "name", "category"),
    WorkflowPolicy: (
        "source_level",
        "requires_appraisal",
        "approve_at_province",
        "appraise_hours",
        "approve_hours",
        "revise_hours",
        "inbox_hours",
    ),
}


def save_vocabulary(*, actor: Any, instance: Vocabulary) -> Vocabulary:
    """Validate, store and audit one vocabulary row (installation configuration: administrators only)."""
    if not access.has_action(actor, access.ADMIN_SITE):
        raise Http404
    fields = _FIELDS[type(instance)]
    for name in ("name", "description"):
        if name in fields:
            setattr(instance, name, nfc(getattr(instance, name) or ""))
    instance.full_clean()
    with transaction.atomic():
        before = None
        if instance.pk is not None:
            before = audit.snapshot(type(instance).objects.get(pk=instance.pk), fields)
        instance.save()
        audit.record(
            actor=actor,
            action=f"content.{type(instance).__name__.lower()}.{'update' if before else 'create'}",
            target=instance,
            before=before,
            after=audit.snapshot(instance, fields),
        )
    return instance
