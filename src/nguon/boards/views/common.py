"""What every e-board screen shares: who may open them, the communes a person manages boards in, and
how a service's ``ValidationError`` lands on a form (next to its field, else on top)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from nguon.core import access
from nguon.core.text import fold
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

ACTION = access.BOARDS_MANAGE


def require_manage(request: HttpRequest) -> None:
    """Every boards screen needs ``boards.manage`` somewhere; without it the pages do not exist (404)."""
    if not access.has_action(request.user, ACTION):
        raise Http404


def managed_communes(user: Any) -> list[AdministrativeUnit]:
    """The current communes where ``user`` manages board content, by name."""
    units = access.scope(
        user, AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, is_current=True), ACTION
    )
    return sorted(units, key=lambda u: fold(u.name))


def commune_choices(communes: list[AdministrativeUnit]) -> list[tuple[str, str]]:
    return [(str(u.pk), u.name) for u in communes]


def pick_commune(communes: list[AdministrativeUnit], raw: str | None) -> AdministrativeUnit | None:
    """The commune named by pk or official code among ``communes``; None when not given or not allowed."""
    if not raw:
        return None
    return next((u for u in communes if raw in (str(u.pk), u.code)), None)


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put each message next to its field when the form has that field (``aliases``: the service's name
    → the form's), else at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = (aliases or {}).get(name, name)
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(str(m) for values in error.message_dict.values() for m in values)
    return " ".join(str(m) for m in error.messages)
