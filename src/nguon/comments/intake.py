"""Taking in a reader's comment (public, no sign-in): anti-abuse and automatic filters.

In order: the honeypot field (a bot fills it), the rate limits (per sender address hash, and per bulletin),
the length and the plain-text form, then the filters — a banned word rejects the comment with the reason,
more than one link holds it for a careful look; everything else waits for a moderator. Nothing is shown
publicly before approval.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from nguon.comments.choices import CommentStatus
from nguon.comments.models import BannedWord, Comment, CommentThread
from nguon.content.models import Bulletin
from nguon.core import audit
from nguon.core.access import path_prefixes
from nguon.core.text import fold, nfc

MAX_LENGTH = 2000
MAX_NAME_LENGTH = 100
#: Comments one sender address may send in the window, over every bulletin.
PER_ADDRESS = 5
#: Comments one bulletin may receive in the window, from everyone (a flood on one item).
PER_BULLETIN = 30
RATE_WINDOW = timedelta(minutes=10)
#: More links than this and the comment is held.
MAX_LINKS = 1
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|vn|info|xyz|top|io|me|ru|cn|biz)\b\S*",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CommentRefusedError(Exception):
    """A comment refused before anything is stored: ``status`` 429 (too many) or 400 (a bot)."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def ip_hash(ip_address: str | None) -> str:
    """The sender's address as a keyed hash (the address itself is never stored)."""
    if not ip_address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"nguon-comments:{ip_address}".encode(), hashlib.sha256).hexdigest()


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def banned_words_for(bulletin: Bulletin) -> list[BannedWord]:
    """The banned words that apply to comments on ``bulletin``: those of its unit and the units above."""
    return list(BannedWord.objects.filter(unit__path__in=path_prefixes(bulletin.unit.path)))


def find_banned(text: str, words: list[BannedWord]) -> BannedWord | None:
    """The first banned word found in ``text`` as whole words, diacritics and case ignored."""
    folded = f" {fold(text)} "
    for word in words:
        if word.folded and f" {word.folded} " in folded:
            return word
    return None


def is_open(bulletin: Bulletin) -> bool:
    return CommentThread.objects.filter(bulletin=bulletin, is_enabled=True).exists()


def check_rate(*, bulletin: Bulletin, sender: str) -> None:
    since = timezone.now() - RATE_WINDOW
    if sender and Comment.objects.filter(ip_hash=sender, created_at__gte=since).count() >= PER_ADDRESS:
        raise CommentRefusedError(
            f"Bạn đã gửi {PER_ADDRESS} bình luận trong 10 phút qua. Vui lòng thử lại sau.",
            status=429,
            code="rate_limited_address",
        )
    if Comment.objects.filter(bulletin=bulletin, created_at__gte=since).count() >= PER_BULLETIN:
        raise CommentRefusedError(
            "Tin này đang nhận quá nhiều bình luận. Vui lòng thử lại sau ít phút.",
            status=429,
            code="rate_limited_bulletin",
        )


def _clean(author_name: str, email: str, text: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = _CONTROL.sub("", nfc(author_name or ""))
    body = _CONTROL.sub("", nfc((text or "").replace("\r\n", "\n")))
    mail = nfc(email or "")
    if not name:
        errors["author_name"] = ["Vui lòng nhập tên của bạn."]
    elif len(name) > MAX_NAME_LENGTH:
        errors["author_name"] = [f"Tên dài quá {MAX_NAME_LENGTH} ký tự."]
    if not body:
        errors["text"] = ["Vui lòng nhập nội dung bình luận."]
    elif len(body) > MAX_LENGTH:
        errors["text"] = [
            f"Bình luận dài quá {MAX_LENGTH:,} ký tự (hiện có {len(body):,}).".replace(",", ".")
        ]
    if mail:
        try:
            validate_email(mail)
        except ValidationError:
            errors["email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    if errors:
        raise ValidationError(errors)
    return name, mail, body


def submit_comment(
    *,
    bulletin: Bulletin,
    author_name: str,
    text: str,
    email: str = "",
    ip_address: str | None = None,
    honeypot: str = "",
) -> Comment:
    """Take in one comment on a public bulletin whose comments are on; returns it (pending, held or
    rejected). Raises :class:`CommentRefusedError` (bot, too many) or :class:`ValidationError`."""
    if not is_open(bulletin):
        raise Http404
    if honeypot.strip():
        raise CommentRefusedError("Không gửi được bình luận.", status=400, code="spam_suspected")
    sender = ip_hash(ip_address)
    check_rate(bulletin=bulletin, sender=sender)
    name, mail, body = _clean(author_name, email, text)
    links = count_links(body)
    status, reason, held = CommentStatus.PENDING, "", False
    banned = find_banned(f"{name}\n{body}", banned_words_for(bulletin))
    now = timezone.now()
    if banned is not None:
        status, reason = CommentStatus.REJECTED, f"Tự động từ chối: chứa từ bị cấm “{banned.word}”."
    elif links > MAX_LINKS:
        held, reason = True, f"Giữ lại để xem kỹ: có {links} liên kết."
    with transaction.atomic():
        comment = Comment.objects.create(
            bulletin=bulletin,
            author_name=name,
            email=mail,
            text=body,
            status=status,
            is_held=held,
            reason=reason,
            link_count=links,
            ip_hash=sender,
            moderated_at=now if status == CommentStatus.REJECTED else None,
        )
        audit.record(
            actor=None,
            action="comments.comment.submit",
            target=comment,
            unit=bulletin.unit,
            after={
                "status": status,
                "is_held": held,
                "reason": reason,
                "links": links,
                "bulletin": bulletin.pk,
            },
        )
    return comment
