"""What the tracker's services share: limits, the audited fields, and cleaning of numbers, links and the
actor's name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from nguon.core import access
from nguon.core.text import nfc

#: The day Quyết định 614/QĐ-UBND was signed: no measurement is dated before it.
DECISION_DATE = date(2024, 3, 19)
MAX_TEXT = 4000
MAX_LINK = 500
MAX_VALUE = Decimal("9999999999")

TARGET_FIELDS = (
    "code",
    "wording",
    "section",
    "horizon",
    "measure_unit",
    "target_value",
    "method",
    "computed_key",
    "position",
)
TASK_FIELDS = (
    "number",
    "title",
    "description",
    "lead_text",
    "partner_text",
    "funding",
    "period_start",
    "period_end",
    "period_text",
    "status",
)
MEASUREMENT_FIELDS = ("measured_on", "value", "source", "evidence_link", "note", "detail")
UPDATE_FIELDS = ("id", "reported_on", "percent", "text", "evidence_link")


def person(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def actor_label(actor: Any) -> str:
    if isinstance(actor, access.SystemActor):
        return actor.label
    return str(getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", ""))[:150]


def clean_decimal(raw: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = ["Cần nhập một số."]
        return None
    if not value.is_finite():
        errors[field] = ["Cần nhập một số."]
        return None
    if value < 0:
        errors[field] = ["Giá trị không được âm."]
        return None
    if value > MAX_VALUE:
        errors[field] = ["Giá trị quá lớn."]
        return None
    return value.quantize(Decimal("0.01"))


def clean_link(raw: str, errors: dict[str, list[str]]) -> str:
    link = nfc(raw or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["evidence_link"] = ["Liên kết minh chứng phải là địa chỉ http(s) hợp lệ."]
        if len(link) > MAX_LINK:
            errors["evidence_link"] = [f"Liên kết dài tối đa {MAX_LINK} ký tự."]
    return link
