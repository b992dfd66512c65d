"""Vocabularies of the comments app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")
    SPAM = "spam", _("Thư rác")
