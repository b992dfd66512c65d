"""Anti-abuse for public intake, without third-party captchas: a honeypot field, a minimum fill time,
rate limits per sender address and per phone number (counted in the database so every web worker agrees),
and likely duplicates flagged (never merged) for the handler.

Addresses and phone numbers are kept only as keyed hashes (HMAC with the installation's secret key).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.utils import timezone

from nguon.core.text import fold
from nguon.feedback.choices import OPEN_STATUSES
from nguon.feedback.models import Feedback, SubmissionMark

#: A form filled faster than this was not filled by a person.
MIN_FILL_SECONDS = 3
#: Look this far back for likely duplicates.
DUPLICATE_WINDOW = timedelta(days=14)
DUPLICATE_SIMILARITY = 0.8
_PHONE_DIGITS = re.compile(r"\D+")


class SubmissionRefusedError(Exception):
    """A submission refused before anything is stored: ``status`` 429 (too many) or 400 (bot, bad form)."""

    def __init__(self, message: str, *, status: int, code: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after


def keyed_hash(value: str) -> str:
    if not value:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"nguon-feedback:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_phone(phone: str) -> str:
    """Vietnamese phone numbers in one form: digits, +84 → 0 ("+84 912 345 678" → "0912345678")."""
    digits = _PHONE_DIGITS.sub("", phone or "")
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def check_form_timing(*, honeypot: str, elapsed_seconds: float | None) -> None:
    """Refuse what a bot sends: the hidden field filled in, or the form sent too fast."""
    if honeypot.strip():
        raise SubmissionRefusedError("Không gửi được phản ánh.", status=400, code="spam_suspected")
    if elapsed_seconds is not None and elapsed_seconds < MIN_FILL_SECONDS:
        raise SubmissionRefusedError(
            "Biểu mẫu được gửi quá nhanh. Vui lòng kiểm tra lại nội dung rồi gửi lại.",
            status=400,
            code="too_fast",
        )


def check_rate(*, ip_hash: str, phone_hash: str) -> None:
    """Refuse (429) when the address or the phone number has used up its allowance; the refusal is
    counted too, so a flood stays refused."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    per_ip = settings.NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR
    if ip_hash:
        used = SubmissionMark.objects.filter(ip_hash=ip_hash, at__gte=hour_ago, accepted=True).count()
        if used >= per_ip:
            SubmissionMark.objects.create(ip_hash=ip_hash, phone_hash=phone_hash, at=now, accepted=False)
            raise SubmissionRefusedError(
                f"Địa chỉ mạng này đã gửi {used} phản ánh trong một giờ qua (tối đa {per_ip}). "
                "Vui lòng thử lại sau.",
                status=429,
                code="rate_limited_address",
                retry_after=3600,
            )
    if phone_hash:
        per_phone = settings.NGUON_FEEDBACK_PER_PHONE_PER_DAY
        used = SubmissionMark.objects.filter(
            phone_hash=phone_hash, at__gte=now - timedelta(days=1), accepted=True
        ).count()
        if used >= per_phone:
            SubmissionMark.objects.create(ip_hash=ip_hash, phone_hash=phone_hash, at=now, accepted=False)
            raise SubmissionRefusedError(
                f"Số điện thoại này đã gửi {used} phản ánh trong 24 giờ qua (tối đa {per_phone}).",
                status=429,
                code="rate_limited_phone",
                retry_after=86400,
            )


def mark_accepted(*, ip_hash: str, phone_hash: str) -> None:
    SubmissionMark.objects.create(ip_hash=ip_hash, phone_hash=phone_hash, at=timezone.now(), accepted=True)


def prune_marks(*, older_than: timedelta = timedelta(days=2)) -> int:
    deleted, _ = SubmissionMark.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


def likely_duplicate(*, category_id: int, unit_id: int, title: str, description: str) -> Feedback | None:
    """An open feedback on the same category and commune, received recently, whose text is nearly the same."""
    since = timezone.now() - DUPLICATE_WINDOW
    text = fold(f"{title} {description}")[:2000]
    candidates = Feedback.objects.filter(
        category_id=category_id, unit_id=unit_id, received_at__gte=since, status__in=OPEN_STATUSES
    ).order_by("-received_at")[:50]
    for other in candidates:
        ratio = SequenceMatcher(None, text, fold(f"{other.title} {other.description}")[:2000]).ratio()
        if ratio >= DUPLICATE_SIMILARITY:
            return other
    return None
