"""Targets and tasks of the plan: create and change them (``plan614.manage``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.plan614 import measures
from nguon.plan614.choices import FundingSource, Horizon, MeasureMethod, MeasureUnit, TaskStatus
from nguon.plan614.models import Target, Task
from nguon.plan614.services.fields import TARGET_FIELDS, TASK_FIELDS, clean_decimal
from nguon.units.models import AdministrativeUnit, Organisation

# -- targets ------------------------------------------------------------------------------------------------


def _clean_target(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    code = nfc(str(data.get("code") or "")).strip()
    if not code:
        errors["code"] = ["Cần nhập mã mục tiêu."]
    wording = nfc(str(data.get("wording") or "")).strip()
    if not wording:
        errors["wording"] = ["Cần nhập nội dung mục tiêu."]
    horizon = data.get("horizon")
    if horizon not in Horizon.values:
        errors["horizon"] = ["Mốc phải là 2030 hoặc 2045."]
    measure_unit = data.get("measure_unit")
    if measure_unit not in MeasureUnit.values:
        errors["measure_unit"] = ["Đơn vị đo phải là tỷ lệ (%) hoặc số lượng."]
    target_value = clean_decimal(data.get("target_value"), "target_value", errors)
    if target_value is not None and measure_unit == MeasureUnit.PERCENT and target_value > 100:
        errors["target_value"] = ["Tỷ lệ mục tiêu không quá 100%."]
    method = data.get("method")
    computed_key = str(data.get("computed_key") or "").strip()
    if method not in MeasureMethod.values:
        errors["method"] = ["Cách đo phải là tính tự động hoặc nhập kèm minh chứng."]
    elif method == MeasureMethod.COMPUTED and computed_key not in measures.known_keys():
        errors["computed_key"] = ["Chỉ số tính tự động không có trong hệ thống."]
    elif method == MeasureMethod.ENTERED:
        computed_key = ""
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "wording": wording,
        "section": nfc(str(data.get("section") or "")).strip()[:120],
        "horizon": horizon,
        "measure_unit": measure_unit,
        "target_value": target_value,
        "method": method,
        "computed_key": computed_key,
        "position": int(data.get("position") or 0),
    }


def create_target(*, actor: Any, unit: AdministrativeUnit, **data: Any) -> Target:
    """Add a target of the plan run by ``unit``."""
    access.require(actor, access.PLAN614_MANAGE, unit=unit)
    cleaned = _clean_target(data)
    with transaction.atomic():
        if Target.objects.filter(unit=unit, code=cleaned["code"]).exists():
            raise ValidationError({"code": ["Mã mục tiêu đã có."]})
        target = Target.objects.create(unit=unit, **cleaned)
        audit.record(
            actor=actor,
            action="plan614.target.create",
            target=target,
            unit=unit,
            after=audit.snapshot(target, TARGET_FIELDS),
        )
    return target


def update_target(*, actor: Any, target: Target, **data: Any) -> Target:
    """Change a target (any field given; the others keep their value)."""
    access.require(actor, access.PLAN614_MANAGE, unit=target.unit)
    merged = {name: getattr(target, name) for name in TARGET_FIELDS} | data
    cleaned = _clean_target(merged)
    with transaction.atomic():
        locked = Target.objects.select_for_update().get(pk=target.pk)
        if Target.objects.filter(unit=locked.unit, code=cleaned["code"]).exclude(pk=locked.pk).exists():
            raise ValidationError({"code": ["Mã mục tiêu đã có."]})
        before = audit.snapshot(locked, TARGET_FIELDS)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit.record(
            actor=actor,
            action="plan614.target.update",
            target=locked,
            unit=locked.unit,
            before=before,
            after=audit.snapshot(locked, TARGET_FIELDS),
        )
    return locked


# -- tasks ------------------------------------------------------------------------------------------------


def _clean_task(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    try:
        number = int(data.get("number") or 0)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        errors["number"] = ["Số thứ tự phải là số nguyên dương."]
    title = nfc(str(data.get("title") or "")).strip()
    if not title:
        errors["title"] = ["Cần nhập tên nhiệm vụ."]
    funding = list(dict.fromkeys(data.get("funding") or []))
    if not funding or any(code not in FundingSource.values for code in funding):
        errors["funding"] = ["Chọn nguồn kinh phí trong danh mục."]
    start, end = data.get("period_start"), data.get("period_end")
    if not isinstance(start, date):
        errors["period_start"] = ["Cần nhập ngày bắt đầu."]
    if not isinstance(end, date):
        errors["period_end"] = ["Cần nhập ngày kết thúc."]
    elif isinstance(start, date) and end < start:
        errors["period_end"] = ["Ngày kết thúc phải sau ngày bắt đầu."]
    status = data.get("status") or TaskStatus.NOT_STARTED
    if status not in TaskStatus.values:
        errors["status"] = ["Trạng thái không hợp lệ."]
    if errors:
        raise ValidationError(errors)
    return {
        "number": number,
        "title": title,
        "description": nfc(str(data.get("description") or "")).strip(),
        "lead_text": nfc(str(data.get("lead_text") or "")).strip(),
        "partner_text": nfc(str(data.get("partner_text") or "")).strip(),
        "funding": funding,
        "period_start": start,
        "period_end": end,
        "period_text": nfc(str(data.get("period_text") or "")).strip()[:60],
        "status": status,
    }


def _set_links(
    task: Task,
    lead_organisations: Iterable[Organisation] | None,
    lead_units: Iterable[AdministrativeUnit] | None,
    partners: Iterable[Organisation] | None,
    partner_units: Iterable[AdministrativeUnit] | None,
) -> None:
    if lead_organisations is not None:
        task.lead_organisations.set(list(lead_organisations))
    if lead_units is not None:
        task.lead_units.set(list(lead_units))
    if partners is not None:
        task.partners.set(list(partners))
    if partner_units is not None:
        task.partner_units.set(list(partner_units))


def _task_snapshot(task: Task) -> dict[str, Any]:
    return audit.snapshot(task, TASK_FIELDS) | {
        "lead_organisations": sorted(o.code for o in task.lead_organisations.all()),
        "lead_units": sorted(u.code for u in task.lead_units.all()),
        "partners": sorted(o.code for o in task.partners.all()),
        "partner_units": sorted(u.code for u in task.partner_units.all()),
    }


def create_task(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    lead_organisations: Iterable[Organisation] = (),
    lead_units: Iterable[AdministrativeUnit] = (),
    partners: Iterable[Organisation] = (),
    partner_units: Iterable[AdministrativeUnit] = (),
    **data: Any,
) -> Task:
    """Add a task of the plan run by ``unit``."""
    access.require(actor, access.PLAN614_MANAGE, unit=unit)
    cleaned = _clean_task(data)
    with transaction.atomic():
        if Task.objects.filter(unit=unit, number=cleaned["number"]).exists():
            raise ValidationError({"number": ["Đã có nhiệm vụ số này."]})
        task = Task.objects.create(unit=unit, **cleaned)
        _set_links(task, lead_organisations, lead_units, partners, partner_units)
        audit.record(
            actor=actor, action="plan614.task.create", target=task, unit=unit, after=_task_snapshot(task)
        )
    return task


def update_task(
    *,
    actor: Any,
    task: Task,
    lead_organisations: Iterable[Organisation] | None = None,
    lead_units: Iterable[AdministrativeUnit] | None = None,
    partners: Iterable[Organisation] | None = None,
    partner_units: Iterable[AdministrativeUnit] | None = None,
    **data: Any,
) -> Task:
    """Change a task; link lists given replace the current ones."""
    access.require(actor, access.PLAN614_MANAGE, unit=task.unit)
    merged = {name: getattr(task, name) for name in TASK_FIELDS} | data
    cleaned = _clean_task(merged)
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if Task.objects.filter(unit=locked.unit, number=cleaned["number"]).exclude(pk=locked.pk).exists():
            raise ValidationError({"number": ["Đã có nhiệm vụ số này."]})
        before = _task_snapshot(locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        _set_links(locked, lead_organisations, lead_units, partners, partner_units)
        audit.record(
            actor=actor,
            action="plan614.task.update",
            target=locked,
            unit=locked.unit,
            before=before,
            after=_task_snapshot(locked),
        )
    return locked
