"""Fixed vocabularies of the radio app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """Which speaker clusters of the commune a programme plays on."""

    COMMUNE = "commune", _("Toàn xã/phường")
    RESIDENTIAL = "residential", _("Thôn, tổ dân phố được chọn")
    GROUPS = "groups", _("Nhóm thiết bị được chọn")


class ItemKind(models.TextChoices):
    """What one line of a running order plays."""

    BULLETIN = "bulletin", _("Bản tin (âm thanh)")
    AUDIO = "audio", _("Tệp âm thanh")
    JINGLE = "jingle", _("Nhạc hiệu")
    RELAY = "relay", _("Tiếp sóng")
    SILENCE = "silence", _("Khoảng lặng")


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Theo lịch")
    CANCELLED = "cancelled", _("Đã hủy")


class EmergencyStatus(models.TextChoices):
    """An emergency order's life: it waits for a second approver when the policy asks for one."""

    AWAITING_APPROVAL = "awaiting_approval", _("Chờ người thứ hai phê duyệt")
    ON_AIR = "on_air", _("Đang phát")
    STOPPED = "stopped", _("Đã dừng")
    REJECTED = "rejected", _("Bị từ chối")


class CapMsgType(models.TextChoices):
    ALERT = "Alert", "Alert"
    UPDATE = "Update", "Update"
    CANCEL = "Cancel", "Cancel"


class LiveKind(models.TextChoices):
    MICROPHONE = "microphone", _("Micrô trên trình duyệt")
    ENCODER = "encoder", _("Bộ mã hóa phần cứng")


class LiveStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ tín hiệu")
    ON_AIR = "on_air", _("Đang phát trực tiếp")
    ENDED = "ended", _("Đã kết thúc")
