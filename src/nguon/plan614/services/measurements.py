"""Measured values of targets: entered with evidence (``plan614.manage``) or computed by ``measure_all``;
one per target and day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.content.services.attachments import Upload
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.plan614 import measures
from nguon.plan614.choices import MeasureMethod, MeasureUnit
from nguon.plan614.evidence import stored_evidence
from nguon.plan614.models import Measurement, Target
from nguon.plan614.selectors import local_today
from nguon.plan614.services.fields import (
    DECISION_DATE,
    MAX_TEXT,
    MEASUREMENT_FIELDS,
    actor_label,
    clean_decimal,
    clean_link,
    person,
)
from nguon.units.models import AdministrativeUnit

# -- measurements -------------------------------------------------------------------------------------------


def _check_measured_on(target: Target, measured_on: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(measured_on, date):
        errors["measured_on"] = ["Cần nhập ngày số liệu."]
    elif measured_on < DECISION_DATE:
        errors["measured_on"] = [
            f"Ngày số liệu không được trước ngày ban hành Đề án ({DECISION_DATE:%d/%m/%Y})."
        ]
    elif measured_on > local_today():
        errors["measured_on"] = ["Ngày số liệu không được sau ngày hôm nay."]
    elif measured_on > target.horizon_date:
        errors["measured_on"] = [f"Ngày số liệu nằm ngoài mốc {target.horizon} của mục tiêu."]


def _save_measurement(actor: Any, target: Target, measured_on: date, fields: dict[str, Any]) -> Measurement:
    """Create or replace the measurement of ``target`` on ``measured_on`` (inside a transaction)."""
    existing = Measurement.objects.select_for_update().filter(target=target, measured_on=measured_on).first()
    before = audit.snapshot(existing, MEASUREMENT_FIELDS) if existing else None
    measurement = Measurement(target=target, measured_on=measured_on) if existing is None else existing
    for name, value in fields.items():
        setattr(measurement, name, value)
    measurement.recorded_by = person(actor)
    measurement.recorded_by_label = actor_label(actor)
    measurement.save()
    audit.record(
        actor=actor,
        action="plan614.measurement.record" if existing is None else "plan614.measurement.replace",
        target=target,
        unit=target.unit,
        before=before,
        after=audit.snapshot(measurement, MEASUREMENT_FIELDS)
        | {"evidence_sha256": measurement.evidence.sha256 if measurement.evidence else None},
    )
    return measurement


def record_measurement(
    *,
    actor: Any,
    target: Target,
    measured_on: date | None,
    value: Any,
    evidence_upload: Upload | None = None,
    evidence_link: str = "",
    note: str = "",
) -> Measurement:
    """Enter the value of an ``entered`` target as of a day, with an evidence file or link (at least one).
    Entering the same day again replaces that day's value (audited with the old one)."""
    access.require(actor, access.PLAN614_MANAGE, unit=target.unit)
    errors: dict[str, list[str]] = {}
    if target.method != MeasureMethod.ENTERED:
        raise ValidationError(
            {"target": ["Mục tiêu này được tính tự động từ dữ liệu hệ thống, không nhập tay."]}
        )
    _check_measured_on(target, measured_on, errors)
    number = clean_decimal(value, "value", errors)
    if number is not None and target.measure_unit == MeasureUnit.PERCENT and number > 100:
        errors["value"] = ["Tỷ lệ không quá 100%."]
    link = clean_link(evidence_link, errors)
    note = nfc(note or "").strip()
    if len(note) > MAX_TEXT:
        errors["note"] = [f"Ghi chú dài tối đa {MAX_TEXT} ký tự."]
    if evidence_upload is None and not link:
        errors["evidence"] = ["Cần tệp minh chứng hoặc liên kết minh chứng."]
    if errors:
        raise ValidationError(errors)
    assert isinstance(measured_on, date)
    with transaction.atomic(), stored_evidence(evidence_upload) as (blob, name):
        return _save_measurement(
            actor,
            target,
            measured_on,
            {
                "value": number,
                "source": MeasureMethod.ENTERED,
                "evidence": blob,
                "evidence_name": name,
                "evidence_link": link,
                "note": note,
                "detail": {},
            },
        )


def measure_all(
    *, actor: Any, as_of: date | None = None, unit: AdministrativeUnit | None = None
) -> list[Measurement]:
    """Compute every ``computed`` target (of ``unit``'s plan, default all) as of ``as_of`` (default today)
    and store it: one measurement per target and day, so running it twice the same day replaces, not adds."""
    day = as_of or local_today()
    targets = Target.objects.select_related("unit").filter(method=MeasureMethod.COMPUTED)
    if unit is not None:
        targets = targets.filter(unit=unit)
    if day > local_today():
        raise ValidationError({"as_of": ["Không tính số liệu cho một ngày chưa đến."]})
    chosen = list(targets.order_by("unit_id", "horizon", "position"))
    for target in chosen:  # every check before any write
        access.require(actor, access.PLAN614_MANAGE, unit=target.unit)
    stored: list[Measurement] = []
    for target in chosen:
        if day > target.horizon_date or day < DECISION_DATE:
            continue
        result = measures.measure(target.computed_key, target.unit, day)
        with transaction.atomic():
            stored.append(
                _save_measurement(
                    actor,
                    target,
                    day,
                    {
                        "value": result.value,
                        "source": MeasureMethod.COMPUTED,
                        "evidence": None,
                        "evidence_name": "",
                        "evidence_link": "",
                        "note": "",
                        "detail": result.detail,
                    },
                )
            )
    return stored
