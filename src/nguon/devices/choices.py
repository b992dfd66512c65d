"""Fixed vocabularies of the devices app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    """The commune radio station's technology; wired stations are kept for statistics and conversion."""

    IT_TELECOM = "it_telecom", _("Ứng dụng CNTT-VT")
    FM = "fm", _("FM không dây")
    WIRED = "wired", _("Truyền thanh có dây")


class DeviceKind(models.TextChoices):
    SPEAKER_CLUSTER = "speaker_cluster", _("Cụm loa ứng dụng CNTT-VT")
    EBOARD = "eboard", _("Bảng điện tử")


class Connectivity(models.TextChoices):
    G3 = "3g", _("3G")
    G4 = "4g", _("4G")
    WIFI = "wifi", _("Wi-Fi")
    LAN = "lan", _("Mạng LAN")


class PanelType(models.TextChoices):
    LED = "led", _("LED")
    LCD = "lcd", _("LCD")


class CommandType(models.TextChoices):
    MANIFEST_CHANGED = "manifest-changed", _("Lịch phát thay đổi")
    PLAY_NOW = "play-now", _("Phát ngay")
    EMERGENCY_START = "emergency-start", _("Bắt đầu phát khẩn cấp")
    EMERGENCY_STOP = "emergency-stop", _("Kết thúc phát khẩn cấp")
    STOP = "stop", _("Dừng phát")
    VOLUME = "volume", _("Âm lượng")
    POWER = "power", _("Bật/tắt")
    REBOOT = "reboot", _("Khởi động lại")
    TIME_SYNC = "time-sync", _("Đồng bộ giờ")
    LIVE_START = "live-start", _("Bắt đầu phát trực tiếp")
    LIVE_STOP = "live-stop", _("Kết thúc phát trực tiếp")


class ReceiptResult(models.TextChoices):
    PLAYED = "played", _("Đã phát")
    INTERRUPTED = "interrupted", _("Bị ngắt")
    FAILED = "failed", _("Lỗi")
    SKIPPED = "skipped", _("Bỏ qua")
    MISSED = "missed", _("Lỡ giờ")
