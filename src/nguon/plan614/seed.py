"""``nguon plan614 seed``: create the targets and tasks of Đề án 614 (``decision.py``) that are missing,
through the services, so they are validated and audited like any other.

Lead and partner organisations are linked when an organisation with the listed code exists (following a
merger to its successor: Sở TT&TT → Sở KH&CN on 1/3/2025); the annex wording is always kept as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from nguon.plan614 import services
from nguon.plan614.decision import TARGETS, TASKS
from nguon.plan614.models import Target, Task
from nguon.units.models import AdministrativeUnit, Organisation


def _organisations(codes: tuple[str, ...]) -> list[Organisation]:
    """The organisations listed, each followed to its current successor; missing codes are skipped."""
    found: dict[int, Organisation] = {}
    for code in codes:
        org = Organisation.objects.filter(code=code).first()
        seen: set[int] = set()
        while org is not None and org.successor_id is not None and org.pk not in seen:
            seen.add(org.pk)
            org = org.successor
        if org is not None and org.is_active:
            found[org.pk] = org
    return list(found.values())


@dataclass
class SeedResult:
    targets: int = 0
    tasks: int = 0


def load(*, actor: Any, province: AdministrativeUnit) -> SeedResult:
    """Create the targets and tasks of the plan that are missing (idempotent; existing ones are kept)."""
    result = SeedResult()
    with transaction.atomic():
        for position, (code, section, horizon, unit, value, method, key, wording) in enumerate(TARGETS):
            if Target.objects.filter(unit=province, code=code).exists():
                continue
            services.create_target(
                actor=actor,
                unit=province,
                code=code,
                wording=wording,
                section=section,
                horizon=horizon,
                measure_unit=unit,
                target_value=Decimal(value),
                method=method,
                computed_key=key,
                position=position,
            )
            result.targets += 1
        for seed in TASKS:
            if Task.objects.filter(unit=province, number=seed.number).exists():
                continue
            services.create_task(
                actor=actor,
                unit=province,
                number=seed.number,
                title=seed.title,
                description=seed.description,
                lead_text=seed.lead_text,
                partner_text=seed.partner_text,
                funding=list(seed.funding),
                period_start=seed.start,
                period_end=seed.end,
                period_text=seed.period_text,
                lead_organisations=_organisations(seed.leads),
                lead_units=[province] if seed.province_leads else [],
                partners=_organisations(seed.partners),
                partner_units=[province] if seed.province_partners else [],
            )
            result.tasks += 1
    return result
