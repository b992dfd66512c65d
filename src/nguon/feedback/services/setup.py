"""Settings of feedback handling: categories (policy areas, Open311 services, each with its statutory
deadline) and routing rules (category × place → unit/organisation). ``feedback.configure`` only: system
administrators and the provincial approver. Categories are province-wide; a rule is checked at its place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.feedback.models import FeedbackCategory, RoutingRule
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

CATEGORY_FIELDS = ("code", "name", "description", "group", "keywords", "deadline_days", "active", "position")
RULE_FIELDS = ("category", "unit", "handling_unit", "handling_organisation", "deadline_days")
MAX_DEADLINE_DAYS = 365


def _province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(
        code=settings.NGUON_PROVINCE_CODE, level=UnitLevel.PROVINCE, is_current=True
    )


def save_category(*, actor: Any, category: FeedbackCategory | None, data: dict[str, Any]) -> FeedbackCategory:
    """Create (``category`` None) or update a category. Its code is the Open311 ``service_code``: clients
    keep it, so it cannot change once feedback uses it."""
    province = _province()
    access.require(actor, access.FEEDBACK_CONFIGURE, unit=province)
    if category is not None:  # as stored: a bound ModelForm may have changed the instance already
        category = FeedbackCategory.objects.get(pk=category.pk)
    errors: dict[str, str] = {}
    code = str(data.get("code") or "").strip().lower()
    name = nfc(str(data.get("name") or "")).strip()
    days = data.get("deadline_days")
    if not code:
        errors["code"] = "Nhập mã lĩnh vực."
    if not name:
        errors["name"] = "Nhập tên lĩnh vực."
    if not isinstance(days, int) or not 1 <= days <= MAX_DEADLINE_DAYS:
        errors["deadline_days"] = f"Thời hạn xử lý từ 1 đến {MAX_DEADLINE_DAYS} ngày."
    if category is not None and code and code != category.code and category.feedback.exists():
        errors["code"] = (
            "Đã có phản ánh thuộc lĩnh vực này; không đổi mã được (các ứng dụng Open311 đang dùng)."
        )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(category, CATEGORY_FIELDS) if category is not None else None
    target = category or FeedbackCategory()
    target.code = code
    target.name = name[:200]
    target.description = nfc(str(data.get("description") or ""))[:500]
    target.group = nfc(str(data.get("group") or ""))[:100]
    target.keywords = nfc(str(data.get("keywords") or ""))[:300]
    target.deadline_days = int(days)  # type: ignore[arg-type]
    target.active = bool(data.get("active", True))
    target.position = int(data.get("position") or 0)
    try:
        with transaction.atomic():
            target.save()
            audit.record(
                actor=actor,
                action="feedback.category.update" if category is not None else "feedback.category.create",
                target=target,
                unit=province,
                before=before,
                after=audit.snapshot(target, CATEGORY_FIELDS),
            )
    except IntegrityError:
        raise ValidationError({"code": "Mã này đã có."}) from None
    return target


@dataclass(frozen=True)
class RuleInput:
    category: FeedbackCategory | None
    unit: AdministrativeUnit
    handling_unit: AdministrativeUnit
    handling_organisation: Organisation | None = None
    deadline_days: int | None = None


def _check_rule(data: RuleInput) -> None:
    errors: dict[str, str] = {}
    province_path = f"{settings.NGUON_PROVINCE_CODE}/"
    for name, unit in (("unit", data.unit), ("handling_unit", data.handling_unit)):
        if (
            not unit.is_current
            or unit.level not in (UnitLevel.PROVINCE, UnitLevel.COMMUNE)
            or not unit.path.startswith(province_path)
        ):
            errors[name] = "Chọn tỉnh hoặc một xã, phường hiện hành của tỉnh."
    org = data.handling_organisation
    if org is not None and (not org.is_active or org.unit_id != data.handling_unit.pk):
        errors["handling_organisation"] = "Cơ quan phải đang hoạt động và thuộc đơn vị xử lý đã chọn."
    if data.deadline_days is not None and not 1 <= data.deadline_days <= MAX_DEADLINE_DAYS:
        errors["deadline_days"] = f"Thời hạn riêng từ 1 đến {MAX_DEADLINE_DAYS} ngày."
    if errors:
        raise ValidationError(errors)


def save_rule(*, actor: Any, rule: RoutingRule | None, data: RuleInput) -> RoutingRule:
    """Create or change a rule. The actor configures feedback at the rule's place and at the handler's."""
    access.require(actor, access.FEEDBACK_CONFIGURE, unit=data.unit)
    access.require(actor, access.FEEDBACK_CONFIGURE, unit=data.handling_unit)
    if rule is not None:
        access.require(actor, access.FEEDBACK_CONFIGURE, unit=rule.unit)
    _check_rule(data)
    duplicate = RoutingRule.objects.filter(category=data.category, unit=data.unit)
    if rule is not None:
        duplicate = duplicate.exclude(pk=rule.pk)
    if duplicate.exists():
        raise ValidationError({"unit": "Đã có quy tắc cho lĩnh vực này tại địa bàn này; hãy sửa quy tắc đó."})
    before = audit.snapshot(rule, RULE_FIELDS) if rule is not None else None
    target = rule or RoutingRule()
    target.category = data.category
    target.unit = data.unit
    target.handling_unit = data.handling_unit
    target.handling_organisation = data.handling_organisation
    target.deadline_days = data.deadline_days
    try:
        with transaction.atomic():
            target.save()
            audit.record(
                actor=actor,
                action="feedback.rule.update" if rule is not None else "feedback.rule.create",
                target=target,
                unit=data.unit,
                before=before,
                after=audit.snapshot(target, RULE_FIELDS),
            )
    except IntegrityError:
        raise ValidationError({"unit": "Đã có quy tắc cho lĩnh vực này tại địa bàn này."}) from None
    return target


def delete_rule(*, actor: Any, rule: RoutingRule) -> None:
    """Remove a rule; feedback already routed keeps its handler (use "chuyển lại theo quy tắc")."""
    access.require(actor, access.FEEDBACK_CONFIGURE, unit=rule.unit)
    with transaction.atomic():
        before = audit.snapshot(rule, RULE_FIELDS)
        unit = rule.unit
        audit.record(actor=actor, action="feedback.rule.delete", target=rule, unit=unit, before=before)
        rule.delete()
