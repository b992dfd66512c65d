"""Vocabularies of the translations app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang dịch")
    REVIEW = "review", _("Chờ duyệt bản dịch")
    PUBLISHED = "published", _("Đã xuất bản")
