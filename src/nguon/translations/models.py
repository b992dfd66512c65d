"""A bulletin's text in another language, and which revision of the source it was made from."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from nguon.content.choices import Language
from nguon.core.access import Scope
from nguon.translations.choices import TranslationStatus


class Translation(models.Model):
    """One language version of a bulletin, written by a translator (or drafted by a machine engine).

    ``source_revision`` is the bulletin revision the text was made from: when the bulletin's live
    revision moves past it (a correction), the translation is *stale* and leaves the public sections until
    a translator brings it up to date and it is published again. A published translation of a withdrawn
    bulletin is never shown: the portal and feeds read only live bulletins.
    """

    access_scope: ClassVar[Scope] = Scope(
        unit_path="bulletin__unit__path", organisation="bulletin__source_organisation_id"
    )

    bulletin = models.ForeignKey("content.Bulletin", on_delete=models.CASCADE, related_name="translations")
    language = models.CharField("ngôn ngữ", max_length=16, choices=Language.choices)
    title = models.CharField("tiêu đề", max_length=300)
    summary = models.TextField("tóm tắt", blank=True)
    body = models.TextField("nội dung", blank=True, help_text="HTML đã lọc an toàn.")
    body_text = models.TextField("nội dung dạng chữ", blank=True, editable=False)
    status = models.CharField(
        "trạng thái", max_length=16, choices=TranslationStatus.choices, default=TranslationStatus.DRAFT
    )
    source_revision = models.PositiveIntegerField("dịch từ phiên bản")
    is_machine = models.BooleanField(
        "bản dịch máy chưa hiệu đính", default=False, help_text="Drafted by an engine, not yet edited."
    )
    engine = models.CharField("công cụ dịch máy", max_length=64, blank=True)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "bản dịch"
        verbose_name_plural = "bản dịch"
        ordering = ("bulletin", "language")
        constraints = (
            models.UniqueConstraint(fields=["bulletin", "language"], name="translations_one_per_language"),
            models.CheckConstraint(condition=~Q(language="vi"), name="translations_not_vietnamese"),
        )
        indexes = (models.Index(fields=["language", "status"]),)

    def __str__(self) -> str:
        return f"{self.bulletin_id} [{self.language}] {self.title}"

    @property
    def is_stale(self) -> bool:
        """The source has a newer live (or working) revision than the one this text was made from."""
        bulletin = self.bulletin
        current = bulletin.live_revision if bulletin.live_revision is not None else bulletin.revision
        return current > self.source_revision
