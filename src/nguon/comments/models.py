"""Readers' comments on public bulletins, the per-bulletin switch that allows them, and banned words."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.comments.choices import CommentStatus
from nguon.core.access import Scope


class CommentThread(models.Model):
    """Whether readers may comment on one bulletin (off unless a moderator of its unit turns it on)."""

    access_scope: ClassVar[Scope] = Scope(unit_path="bulletin__unit__path")

    bulletin = models.OneToOneField(
        "content.Bulletin", on_delete=models.CASCADE, related_name="comment_thread"
    )
    is_enabled = models.BooleanField("cho phép bình luận", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "luồng bình luận"
        verbose_name_plural = "luồng bình luận"

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {'bật' if self.is_enabled else 'tắt'}"


class Comment(models.Model):
    """One reader's comment: plain text (never HTML), shown publicly only once approved.

    The e-mail address is for the moderators only and never shown; the sender's address is kept only as a
    keyed hash (``ip_hash``), for rate limits.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="bulletin__unit__path")

    bulletin = models.ForeignKey("content.Bulletin", on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField("tên người gửi", max_length=100)
    email = models.EmailField("thư điện tử (không công khai)", blank=True)
    text = models.TextField("nội dung")
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    is_held = models.BooleanField(
        "cần xem kỹ", default=False, help_text="Held by a filter (links); the reason says why."
    )
    reason = models.CharField("lý do", max_length=300, blank=True)
    link_count = models.PositiveSmallIntegerField("số liên kết", default=0)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField("kiểm duyệt lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bình luận"
        verbose_name_plural = "bình luận"
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["bulletin", "status"]),)

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


class BannedWord(models.Model):
    """A word or phrase that gets a comment rejected automatically, for bulletins of ``unit`` and below.

    Matched on folded text (no diacritics, no case, punctuation as spaces), as whole words.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    word = models.CharField("từ, cụm từ", max_length=100)
    folded = models.CharField(max_length=100, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "từ bị cấm"
        verbose_name_plural = "từ bị cấm"
        ordering = ("folded",)
        constraints = (
            models.UniqueConstraint(fields=["unit", "folded"], name="comments_banned_word_unique"),
        )

    def __str__(self) -> str:
        return self.word
