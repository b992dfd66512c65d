"""The central mobile app adapter (docs/integrations/central-feedback.md).

In: the app pushes one feedback at a time to ``POST /api/v1/feedback/central`` with the key of an
:class:`ApiClient` of channel ``mobile_app``; the app's own id becomes ``external_id``, so a retry returns
the feedback already received (idempotent). Out: :func:`push_pending` sends each change of status and
each published answer back to the app (``central_app.CentralAppClient``); what was last sent is kept in
the audit trail (action ``feedback.central_app.push`` with the body's fingerprint), so an unchanged
feedback is not sent twice and a failed push is tried again on the next run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.core import access, audit
from nguon.core.models import AuditEvent
from nguon.feedback.central_app import CONTRACT, CentralAppClient, CentralAppError
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Channel
from nguon.feedback.models import ApiClient, Feedback, FeedbackCategory
from nguon.feedback.services.intake import FeedbackInput, submit_feedback
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

PUSH_ACTION = "feedback.central_app.push"
#: Feedback changed this long ago or earlier is not looked at again by :func:`push_pending`.
PUSH_WINDOW = timedelta(days=90)
_APP_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def _text(payload: dict[str, Any], name: str, errors: dict[str, str], limit: int) -> str:
    value = payload.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "Phải là chuỗi."
        return ""
    if len(value) > limit:
        errors[name] = f"Dài quá {limit} ký tự."
    return value


def parse(payload: Any) -> FeedbackInput:
    """The app's JSON body as a :class:`FeedbackInput`; one ValidationError naming every bad field."""
    if not isinstance(payload, dict):
        raise ValidationError("Nội dung gửi phải là một đối tượng JSON.")
    errors: dict[str, str] = {}
    if str(payload.get("contract", "")) != CONTRACT:
        errors["contract"] = f'Cần "contract": "{CONTRACT}".'
    app_id = payload.get("id")
    if not isinstance(app_id, str) or not _APP_ID.match(app_id):
        errors["id"] = "Mã phản ánh ở ứng dụng: 1–100 ký tự chữ, số, . _ : -"
    code = payload.get("service_code")
    category = (
        FeedbackCategory.objects.filter(code=code, active=True).first() if isinstance(code, str) else None
    )
    if category is None:
        errors["service_code"] = "Lĩnh vực (service_code) không có hoặc đã ngừng nhận."
    commune_code = payload.get("commune_code")
    unit = (
        AdministrativeUnit.objects.filter(
            code=commune_code,
            level=UnitLevel.COMMUNE,
            is_current=True,
            path__startswith=f"{settings.NGUON_PROVINCE_CODE}/",
        ).first()
        if isinstance(commune_code, str)
        else None
    )
    if unit is None:
        errors["commune_code"] = "Mã xã, phường (5 chữ số, theo QĐ 19/2025) không thuộc tỉnh."
    reporter = payload.get("reporter") or {}
    if not isinstance(reporter, dict):
        errors["reporter"] = "Phải là một đối tượng."
        reporter = {}
    location = payload.get("location") or {}
    if not isinstance(location, dict):
        errors["location"] = "Phải là một đối tượng."
        location = {}
    data = FeedbackInput(
        category=category,
        unit=unit,
        description=_text(payload, "description", errors, 5000),
        title=_text(payload, "title", errors, 200),
        address=_text(location, "address", errors, 300),
        latitude=location.get("lat"),
        longitude=location.get("long"),
        reporter_name=_text(reporter, "name", errors, 200),
        reporter_phone=_text(reporter, "phone", errors, 20),
        reporter_email=_text(reporter, "email", errors, 254),
        wants_notification=bool(payload.get("wants_notification", True)),
        external_id=app_id if isinstance(app_id, str) else "",
    )
    if errors:
        raise ValidationError(errors)
    return data


def receive(*, client: ApiClient, payload: Any, ip_address: str = "") -> tuple[Feedback, bool]:
    """Receive one feedback from the app; ``created`` is False when this app id was received before."""
    if client.channel != Channel.MOBILE_APP or client.revoked_at is not None:
        raise ValidationError("Khoá này không phải của ứng dụng di động trung ương.")
    data = parse(payload)
    existing = Feedback.objects.filter(api_client=client, external_id=data.external_id).first()
    if existing is not None:
        return existing, False
    feedback = submit_feedback(
        actor=access.SystemActor(f"central-app:{client.name}"[:200]),
        data=data,
        channel=Channel.MOBILE_APP,
        ip_address=ip_address,
        api_client=client,
    )
    return feedback, True


def status_document(feedback: Feedback) -> dict[str, Any]:
    """What the app is told about ``feedback``: public facts only (never the sender's personal data)."""
    answer = feedback.answers.filter(status=AnswerStatus.APPROVED).order_by("published_at", "pk").last()
    public_url = settings.NGUON_PUBLIC_URL.rstrip("/")
    return {
        "contract": CONTRACT,
        "id": feedback.external_id,
        "nguon_id": feedback.public_id,
        "status": feedback.status,
        "status_label": str(feedback.get_status_display()),
        "open311_status": "open" if feedback.status in OPEN_STATUSES else "closed",
        "service_code": feedback.category.code,
        "handling_unit": feedback.handling_organisation.name
        if feedback.handling_organisation
        else feedback.handling_unit.full_name,
        "due_at": feedback.due_at.isoformat(),
        "answer": None
        if answer is None
        else {
            "title": answer.public_title,
            "body": answer.body,
            "published_at": answer.published_at.isoformat() if answer.published_at else None,
            "aired": answer.bulletin_id is not None,
            "url": public_url + reverse("feedback:answer", args=[feedback.public_id]),
        },
    }


def fingerprint(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def last_pushed(feedback: Feedback) -> str:
    event = (
        AuditEvent.objects.filter(
            action=PUSH_ACTION, target_type="feedback.feedback", target_id=str(feedback.pk)
        )
        .order_by("-seq")
        .first()
    )
    return str((event.after or {}).get("fingerprint", "")) if event is not None else ""


@dataclass(frozen=True)
class PushSummary:
    pushed: int
    failed: int
    unchanged: int
    errors: tuple[str, ...] = ()


def push_pending(*, client: CentralAppClient | None = None, actor: Any = None) -> PushSummary:
    """Send every changed feedback of the app back to it. A failure is counted and tried next run."""
    client = client or CentralAppClient.from_settings()
    actor = actor or access.SystemActor("central-app push")
    since = timezone.now() - PUSH_WINDOW
    rows = (
        Feedback.objects.filter(channel=Channel.MOBILE_APP, updated_at__gte=since)
        .exclude(external_id="")
        .select_related("category", "handling_unit", "handling_organisation")
        .order_by("updated_at", "pk")
    )
    pushed = failed = unchanged = 0
    errors: list[str] = []
    for feedback in rows:
        document = status_document(feedback)
        mark = fingerprint(document)
        if last_pushed(feedback) == mark:
            unchanged += 1
            continue
        try:
            client.push_status(feedback.external_id, document, idempotency_key=f"{feedback.public_id}:{mark}")
        except CentralAppError as error:
            failed += 1
            errors.append(f"{feedback.public_id}: {error.message}")
            if not error.retryable and error.status in (401, 403):
                break  # the token is wrong: every other push would fail the same way
            continue
        with transaction.atomic():
            audit.record(
                actor=actor,
                action=PUSH_ACTION,
                target=feedback,
                unit=feedback.handling_unit,
                after={"fingerprint": mark, "status": feedback.status},
            )
        pushed += 1
    return PushSummary(pushed=pushed, failed=failed, unchanged=unchanged, errors=tuple(errors))
