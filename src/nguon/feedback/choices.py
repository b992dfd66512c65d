"""Choices of the feedback app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin (biểu mẫu)")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Điện thoại")
    HOTLINE = "hotline", _("Đường dây nóng")
    IN_PERSON = "in_person", _("Trực tiếp")
    MOBILE_APP = "mobile_app", _("Ứng dụng di động trung ương")


#: Channels entered by staff on the citizen's behalf.
STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.HOTLINE, Channel.IN_PERSON})


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ duyệt trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")
    DECLINED = "declined", _("Không thụ lý")


#: Statuses Open311 reports as "open"; every other is "closed".
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_APPROVAL})


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, công bố")
    RETURNED = "returned", _("Trả lại để sửa")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    ROUTED = "routed", _("Chuyển đơn vị xử lý")
    ACCEPTED = "accepted", _("Nhận xử lý")
    ASSIGNED = "assigned", _("Phân công")
    NOTE = "note", _("Ghi chú nội bộ")
    TRANSFERRED = "transferred", _("Chuyển đơn vị khác")
    ANSWER_DRAFTED = "answer_drafted", _("Soạn trả lời")
    ANSWER_SUBMITTED = "answer_submitted", _("Trình duyệt trả lời")
    ANSWER_RETURNED = "answer_returned", _("Trả lại bản trả lời")
    ANSWER_PUBLISHED = "answer_published", _("Công bố trả lời")
    AIRED = "aired", _("Phát trên đài truyền thanh")
    CITIZEN_NOTIFIED = "citizen_notified", _("Đã báo người gửi")
    RATED = "rated", _("Người gửi đánh giá")
    REOPENED = "reopened", _("Mở lại")
    DECLINED = "declined", _("Không thụ lý")
    CLOSED = "closed", _("Đóng")
    REMINDED = "reminded", _("Nhắc hạn")
    ESCALATED = "escalated", _("Báo cấp trên (quá hạn)")
    DUPLICATE = "duplicate", _("Có thể trùng")
    ANONYMISED = "anonymised", _("Xoá thông tin cá nhân")
