"""Vocabularies of the outbound app: plug-in kinds, message actions and statuses, attempt outcomes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PluginKind(models.TextChoices):
    """Which plug-in (format + transport) a destination uses."""

    ZALO_OA = "zalo_oa", _("Zalo Official Account (bài viết)")
    FACEBOOK_PAGE = "facebook_page", _("Trang Facebook")
    SMS_GATEWAY = "sms_gateway", _("Cổng SMS thương hiệu (brandname)")
    EMAIL = "email", _("Bản tin thư điện tử")
    WEBHOOK = "webhook", _("Webhook (JSON có chữ ký)")


class Action(models.TextChoices):
    """What a message does to the item at the destination."""

    PUBLISH = "publish", _("Đăng")
    CORRECT = "correct", _("Đính chính")
    WITHDRAW = "withdraw", _("Thu hồi")


class MessageStatus(models.TextChoices):
    """Where a message is in its destination's queue."""

    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Lỗi, sẽ thử lại")
    DEAD = "dead", _("Hỏng (hết số lần thử)")
    CANCELLED = "cancelled", _("Đã hủy")


#: Statuses of a message that still waits for the worker.
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.FAILED)


class Outcome(models.TextChoices):
    """How one delivery attempt ended."""

    IN_PROGRESS = "in_progress", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    RETRYABLE = "retryable", _("Lỗi tạm thời")
    RATE_LIMITED = "rate_limited", _("Bị giới hạn tần suất")
    PERMANENT = "permanent", _("Lỗi không thử lại")
    INTERRUPTED = "interrupted", _("Tiến trình dừng giữa chừng")
