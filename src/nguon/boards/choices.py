"""Choices of the boards app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    BULLETIN = "bulletin", _("Bản tin đã duyệt")
    TEXT = "text", _("Thông báo")
    IMAGE = "image", _("Hình ảnh")
    VIDEO = "video", _("Video")
    CLOCK = "clock", _("Đồng hồ")


class Layout(models.TextChoices):
    FULL = "full", _("Toàn màn hình")
    TICKER = "ticker", _("Vùng chính và dòng chữ chạy")
    SPLIT = "split", _("Chia đôi màn hình")


class Theme(models.TextChoices):
    DARK = "dark", _("Nền tối")
    LIGHT = "light", _("Nền sáng")
    ALERT = "alert", _("Cảnh báo")


class SchedulePriority(models.IntegerChoices):
    """Which schedule wins when two overlap on one board (the higher); default content fills the rest."""

    NORMAL = 10, _("Thường")
    HIGH = 20, _("Ưu tiên")
    URGENT = 30, _("Khẩn")
