"""Receiving feedback on every channel: one service validates, routes, stores files and notifies.

The public form, the JSON API, Open311 ``POST requests``, staff entry (phone, hotline, in person) and the
central mobile app adapter all call :func:`submit_feedback`. Anti-abuse checks for public channels run
before it (``services/antiabuse.py``); everything here happens in one transaction, so a refused file or a
failed check leaves nothing stored.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nguon.content.services.attachments import Upload, clean_name, stored_blob
from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.feedback.choices import STAFF_CHANNELS, Channel, EventKind, Status
from nguon.feedback.models import ApiClient, Feedback, FeedbackAttachment, FeedbackCategory
from nguon.feedback.services import antiabuse, routing
from nguon.feedback.services.events import add_event
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MIN_DESCRIPTION = 10
MAX_FILES = 5
#: What citizens may attach: photos and voice recordings (checked by content, not by name).
ATTACHMENT_KINDS = frozenset({"image", "audio"})
_PHONE = re.compile(r"^0\d{9,10}$")

#: The fields of the audit record: never the sender's personal data.
AUDIT_FIELDS = (
    "public_id",
    "category",
    "channel",
    "status",
    "unit",
    "handling_unit",
    "handling_organisation",
)


@dataclass
class FeedbackInput:
    """What a citizen (or staff on their behalf, or a client program) sends."""

    category: FeedbackCategory | None
    description: str
    unit: AdministrativeUnit | None
    title: str = ""
    residential_unit: AdministrativeUnit | None = None
    address: str = ""
    latitude: Any = None
    longitude: Any = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    wants_notification: bool = True
    external_id: str = ""
    uploads: Sequence[Upload] = field(default_factory=list)


def _coordinate(value: Any, low: int, high: int, name: str, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[name] = "Toạ độ không hợp lệ."
        return None
    if not low <= number <= high:
        errors[name] = "Toạ độ nằm ngoài giới hạn."
        return None
    return number


def _title_from(description: str) -> str:
    first = description.split("\n", 1)[0].strip()
    if len(first) <= 80:
        return first
    cut = first[:80].rsplit(" ", 1)[0]
    return f"{cut}…"


def clean(data: FeedbackInput) -> dict[str, Any]:
    """Validate ``data`` as a whole; raise one ValidationError naming every problem (Vietnamese)."""
    errors: dict[str, str] = {}
    description = nfc(data.description or "")
    title = nfc(data.title or "") or _title_from(description)
    if data.category is None or not data.category.active:
        errors["category"] = "Chọn lĩnh vực phản ánh."
    if len(description) < MIN_DESCRIPTION:
        errors["description"] = f"Nội dung cần ít nhất {MIN_DESCRIPTION} ký tự."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Nội dung dài quá {MAX_DESCRIPTION} ký tự."
    if len(title) > MAX_TITLE:
        errors["title"] = f"Tiêu đề dài quá {MAX_TITLE} ký tự."
    unit = data.unit
    province = f"{settings.NGUON_PROVINCE_CODE}/"
    if (
        unit is None
        or unit.level != UnitLevel.COMMUNE
        or not unit.is_current
        or not unit.path.startswith(province)
    ):
        errors["unit"] = "Chọn xã, phường nơi xảy ra sự việc."
    residential = data.residential_unit
    if residential is not None and (unit is None or residential.parent_id != unit.pk):
        errors["residential_unit"] = "Thôn, tổ dân phố không thuộc xã, phường đã chọn."
    phone = antiabuse.normalise_phone(data.reporter_phone)
    if data.reporter_phone.strip() and not _PHONE.match(phone):
        errors["reporter_phone"] = "Số điện thoại không hợp lệ (ví dụ 0912345678)."
    email = (data.reporter_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["reporter_email"] = "Địa chỉ thư điện tử không hợp lệ."
    latitude = _coordinate(data.latitude, -90, 90, "latitude", errors)
    longitude = _coordinate(data.longitude, -180, 180, "longitude", errors)
    if len(data.uploads) > MAX_FILES:
        errors["files"] = f"Gửi tối đa {MAX_FILES} tệp."
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "address": nfc(data.address or "")[:300],
        "latitude": latitude,
        "longitude": longitude,
        "reporter_name": nfc(data.reporter_name or "")[:200],
        "reporter_phone": phone,
        "reporter_email": email[:254],
        "external_id": (data.external_id or "").strip()[:100],
    }


def _notify_handlers(feedback: Feedback) -> None:
    people = access.people_who_can(
        access.FEEDBACK_HANDLE, unit=feedback.handling_unit, organisation=feedback.handling_organisation
    )
    notify(
        users=people,
        kind="feedback-received",
        message=f"Phản ánh mới {feedback.public_id}: {feedback.title}"[:500],
        url=reverse("feedback:detail", args=[feedback.public_id]),
    )


def submit_feedback(
    *,
    actor: Any,
    data: FeedbackInput,
    channel: str,
    ip_address: str = "",
    api_client: ApiClient | None = None,
) -> Feedback:
    """Receive one piece of feedback: validate, route, store it with its files, notify the handlers.

    ``actor`` is the person entering it for staff channels (who must be a handler where it is placed),
    else :data:`nguon.core.access.SYSTEM` acting for the citizen or the client program. A client program
    sending the same ``external_id`` twice gets the first feedback back (idempotent).
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": "Kênh tiếp nhận không hợp lệ."})
    cleaned = clean(data)
    if data.category is None or data.unit is None:  # pragma: no cover — clean() refused these already
        raise ValidationError("Thiếu lĩnh vực hoặc địa bàn.")
    if channel in STAFF_CHANNELS:
        access.require(actor, access.FEEDBACK_HANDLE, unit=data.unit)
    if api_client is not None and cleaned["external_id"]:
        existing = Feedback.objects.filter(api_client=api_client, external_id=cleaned["external_id"]).first()
        if existing is not None:
            return existing
    route = routing.resolve(category=data.category, unit=data.unit)
    now = timezone.now()
    with transaction.atomic():
        feedback = Feedback(
            public_id=f"tmp-{secrets.token_hex(8)}",
            tracking_code=secrets.token_urlsafe(18)[:24],
            category=data.category,
            channel=channel,
            status=Status.RECEIVED,
            unit=data.unit,
            residential_unit=data.residential_unit,
            handling_unit=route.unit,
            handling_organisation=route.organisation,
            received_at=now,
            due_at=routing.due_at(now, route.deadline_days),
            reporter_ip_hash=antiabuse.keyed_hash(ip_address),
            phone_hash=antiabuse.keyed_hash(cleaned["reporter_phone"]),
            wants_notification=data.wants_notification,
            entered_by=actor if channel in STAFF_CHANNELS and getattr(actor, "pk", None) else None,
            api_client=api_client,
            **cleaned,
        )
        feedback.possible_duplicate_of = antiabuse.likely_duplicate(
            category_id=data.category.pk,
            unit_id=data.unit.pk,
            title=cleaned["title"],
            description=cleaned["description"],
        )
        feedback.save()
        feedback.public_id = f"{now.year}-{feedback.pk:06d}"
        feedback.save(update_fields=["public_id"])
        for upload in data.uploads:
            with stored_blob(upload, allowed_kinds=ATTACHMENT_KINDS) as blob:
                FeedbackAttachment.objects.create(
                    feedback=feedback, blob=blob, name=clean_name(getattr(upload, "name", ""), blob)
                )
        add_event(
            feedback=feedback,
            kind=EventKind.RECEIVED,
            actor=actor if channel in STAFF_CHANNELS else None,
            message=f"Tiếp nhận qua kênh {Channel(channel).label}.",
            internal=False,
        )
        where = route.organisation.name if route.organisation else route.unit.full_name
        add_event(feedback=feedback, kind=EventKind.ROUTED, message=f"Chuyển {where} xử lý.")
        if feedback.possible_duplicate_of is not None:
            add_event(
                feedback=feedback,
                kind=EventKind.DUPLICATE,
                message=f"Có thể trùng với phản ánh {feedback.possible_duplicate_of.public_id}.",
            )
        if channel not in STAFF_CHANNELS:
            antiabuse.mark_accepted(ip_hash=feedback.reporter_ip_hash, phone_hash=feedback.phone_hash)
        audit.record(
            actor=actor,
            action="feedback.receive",
            target=feedback,
            unit=feedback.handling_unit,
            after={**audit.snapshot(feedback, AUDIT_FIELDS), "files": len(data.uploads)},
        )
        transaction.on_commit(lambda: _notify_handlers(feedback))
    return feedback
