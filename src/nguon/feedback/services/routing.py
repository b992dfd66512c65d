"""Who handles a piece of feedback: routing rules (category × place → unit/organisation) and deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from nguon.core import access
from nguon.feedback.models import FeedbackCategory, RoutingRule
from nguon.units.models import AdministrativeUnit, Organisation


@dataclass(frozen=True)
class Route:
    unit: AdministrativeUnit
    organisation: Organisation | None
    deadline_days: int
    rule: RoutingRule | None


def resolve(*, category: FeedbackCategory, unit: AdministrativeUnit) -> Route:
    """The most specific rule for ``category`` at ``unit``: the deepest place first (commune before
    province), then a rule naming the category before one for every category. No rule: the commune where
    the feedback is placed handles it, within the category's deadline."""
    prefixes = access.path_prefixes(unit.path)
    rules = list(
        RoutingRule.objects.filter(Q(category=category) | Q(category__isnull=True), unit__path__in=prefixes)
        .select_related("unit", "handling_unit", "handling_organisation")
        .order_by()
    )
    rules.sort(key=lambda r: (len(r.unit.path), r.category_id is not None), reverse=True)
    if rules:
        rule = rules[0]
        return Route(
            unit=rule.handling_unit,
            organisation=rule.handling_organisation,
            deadline_days=rule.deadline_days or category.deadline_days,
            rule=rule,
        )
    return Route(unit=unit, organisation=None, deadline_days=category.deadline_days, rule=None)


def due_at(received_at: datetime, days: int) -> datetime:
    """The statutory deadline: ``days`` calendar days after receipt (see docs/feedback.md on working days)."""
    return received_at + timedelta(days=days)
