from django.db import models
from django.utils.translation import gettext_lazy as _


class EngineKind(models.TextChoices):
    ESPEAK = "espeak", "espeak-ng"
    PIPER = "piper", "Piper"
    HTTP = "http", _("Dịch vụ TTS qua HTTPS")


class ReadingStyleChoice(models.TextChoices):
    NORTHERN = "northern", _("Giọng Bắc (nghìn, linh, tư)")
    SOUTHERN = "southern", _("Giọng Nam (ngàn, lẻ, bốn)")


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class RenderSource(models.TextChoices):
    TEXT = "text", _("Đọc từ văn bản")
    UPLOAD = "upload", _("Tệp tải lên")
