"""Choices of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để sửa")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


#: A commune may change its figures only in these states (and while the cycle is not locked).
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
