"""Fixed vocabularies of the content app (categories are data: see :class:`Category`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceLevel(models.TextChoices):
    """Who supplies a bulletin (TT39 "thông tin nguồn": central, provincial or commune bodies)."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("Xã, phường")


class Priority(models.TextChoices):
    """TT39 priority levels of a bulletin sent down to communes."""

    NORMAL = "normal", _("Thông thường")
    PRIORITY = "priority", _("Ưu tiên")
    EMERGENCY = "emergency", _("Khẩn cấp")


class Language(models.TextChoices):
    """Languages bulletins are written and aired in (Vietnamese, the province's ethnic languages, foreign).

    Keys are plain names: ISO 639-3 does not cover every local language name unambiguously (Sán Chay,
    Sán Dìu); Vietnamese, English and Chinese use their ISO 639-1 codes.
    """

    VI = "vi", _("Tiếng Việt")
    TAY = "tay", _("Tiếng Tày")
    NUNG = "nung", _("Tiếng Nùng")
    DAO = "dao", _("Tiếng Dao")
    HMONG = "hmong", _("Tiếng H'Mông")
    SAN_CHAY = "sanchay", _("Tiếng Sán Chay")
    SAN_DIU = "sandiu", _("Tiếng Sán Dìu")
    EN = "en", _("Tiếng Anh")
    ZH = "zh", _("Tiếng Trung")


class Channel(models.TextChoices):
    """Channels a bulletin is meant for (NĐ 49/2024 grassroots channels the system serves)."""

    RADIO = "radio", _("Đài truyền thanh")
    EBOARD = "eboard", _("Bảng tin điện tử")
    PORTAL = "portal", _("Cổng thông tin")
    SOCIAL = "social", _("Mạng xã hội, Zalo")
    SMS = "sms", _("Tin nhắn SMS")


class TargetScope(models.TextChoices):
    PROVINCE = "province", _("Toàn tỉnh")
    COMMUNES = "communes", _("Các xã, phường được chọn")
    RESIDENTIAL = "residential", _("Các thôn, tổ dân phố được chọn")


class Status(models.TextChoices):
    """Where a bulletin is in its editorial workflow."""

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Chờ thẩm định")
    APPRAISED = "appraised", _("Chờ phê duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt")
    DISTRIBUTED = "distributed", _("Đã phát hành")
    WITHDRAWN = "withdrawn", _("Đã thu hồi")


#: States in which the author (or their unit's editors) may change the text.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})


class AttachmentKind(models.TextChoices):
    AUDIO = "audio", _("Âm thanh")
    VIDEO = "video", _("Video")
    IMAGE = "image", _("Hình ảnh")
    DOCUMENT = "document", _("Tài liệu")


class InboxStatus(models.TextChoices):
    """A commune's decision on a bulletin sent down to it (TT39)."""

    PENDING = "pending", _("Chờ quyết định")
    ACCEPTED = "accepted", _("Đã nhận vào lịch")
    DECLINED = "declined", _("Không phát")
    FORCED = "forced", _("Khẩn cấp — phát ngay")
    WITHDRAWN = "withdrawn", _("Đã bị thu hồi")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    SUPERSEDED = "superseded", _("Đã có bản đính chính")
    WITHDRAWN = "withdrawn", _("Đã thu hồi")


class CampaignChannel(models.TextChoices):
    """Ways a target unit may carry out a propagation campaign."""

    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh")
    ZALO = "zalo", _("Nhóm Zalo")
    WEBSITE = "website", _("Trang thông tin điện tử")
    MEETING = "meeting", _("Hội nghị, họp dân")
    EBOARD = "eboard", _("Bảng tin điện tử")
    PRINTED = "printed", _("Tài liệu in, pa-nô, áp phích")
    OTHER = "other", _("Hình thức khác")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Soạn thảo")
    ISSUED = "issued", _("Đã ban hành")
    CLOSED = "closed", _("Đã kết thúc")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("Chưa báo cáo")
    REPORTED = "reported", _("Đã báo cáo")
