"""Reads of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from nguon.accounts.models import RoleGrant

if TYPE_CHECKING:
    from nguon.accounts.models import User


def list_active_grants(*, user: User) -> QuerySet[RoleGrant]:
    """The grants ``user`` holds now, with their unit and organisation loaded."""
    return RoleGrant.objects.filter(user=user, revoked_at__isnull=True).select_related(
        "unit", "organisation__unit"
    )
