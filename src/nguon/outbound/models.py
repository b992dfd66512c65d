"""Outbound destinations, their per-destination message queue and the log of delivery attempts."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.content.choices import Channel
from nguon.core.access import Scope
from nguon.outbound.choices import Action, MessageStatus, Outcome, PluginKind


class Destination(models.Model):
    """One place outside Nguồn that bulletins are sent to: a Zalo OA, a Facebook Page, an SMS brandname, an
    e-mail list or a webhook, with the plug-in that formats and sends for it.

    ``unit`` is the province or commune whose bulletins (those written by it or a unit under it) it carries;
    ``channel`` is the content channel a bulletin must be meant for. ``credentials`` is a JSON object sealed
    with :func:`nguon.core.crypto.seal` (purpose ``outbound``); it is never shown back, only "set / not set".
    ``token_expires_at`` is when the stored access token runs out (null: unknown), for plug-ins that refresh
    it; ``auth_problem`` is set when the service refused the credentials and a person must re-authorise.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại kênh", max_length=32, choices=PluginKind.choices)
    channel = models.CharField(
        "kênh nội dung", max_length=16, choices=Channel.choices, default=Channel.SOCIAL
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị"
    )
    categories = models.ManyToManyField(
        "content.Category", blank=True, related_name="+", verbose_name="chỉ các lĩnh vực"
    )
    languages = models.JSONField("chỉ các ngôn ngữ", default=list, blank=True)
    settings = models.JSONField("cấu hình", default=dict, blank=True)
    credentials_sealed = models.TextField(blank=True, default="")
    is_enabled = models.BooleanField("đang bật", default=True)
    rate_limit_per_minute = models.PositiveIntegerField("giới hạn số lần gửi mỗi phút", default=30)
    max_attempts = models.PositiveSmallIntegerField("số lần thử tối đa", default=8)
    token_expires_at = models.DateTimeField("mã truy cập hết hạn lúc", null=True, blank=True)
    auth_problem = models.CharField("vấn đề xác thực", max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nơi nhận ngoài hệ thống"
        verbose_name_plural = "nơi nhận ngoài hệ thống"
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:  # never the credentials
        return f"<Destination {self.pk} {self.kind} {self.name!r}>"

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_sealed)

    @property
    def needs_reauthorization(self) -> bool:
        return bool(self.auth_problem)


class OutboundMessage(models.Model):
    """One action (publish, correct, withdraw) of one revision of a bulletin for one destination: an entry
    of that destination's queue. ``idempotency_key`` is sent with every attempt (header or field, where the
    API allows), so a retry after a crash can be recognised by the receiving side."""

    access_scope: ClassVar[Scope] = Scope(unit_path="destination__unit__path")

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="messages")
    bulletin = models.ForeignKey(
        "content.Bulletin", on_delete=models.CASCADE, related_name="outbound_messages"
    )
    revision = models.PositiveIntegerField("phiên bản")
    action = models.CharField("thao tác", max_length=16, choices=Action.choices)
    status = models.CharField(
        "trạng thái", max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    cycle = models.PositiveSmallIntegerField("lượt gửi", default=1)
    next_attempt_at = models.DateTimeField("thử lần tới", null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    idempotency_key = models.CharField(max_length=100, unique=True)
    external_id = models.CharField("mã bên nhận", max_length=200, blank=True, default="")
    last_error = models.TextField("lỗi gần nhất", blank=True, default="")
    reason = models.CharField("lý do thu hồi", max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tin gửi ra ngoài"
        verbose_name_plural = "tin gửi ra ngoài"
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=["destination", "bulletin", "revision", "action"], name="outbound_message_unique"
            ),
        )
        indexes = (models.Index(fields=["status", "next_attempt_at"], name="outbound_msg_due"),)

    def __str__(self) -> str:
        return f"{self.destination} / {self.bulletin_id} v{self.revision} {self.action}"


class DeliveryAttempt(models.Model):
    """One try at sending a message: when, how long, the HTTP status and how it ended (never secrets)."""

    access_scope: ClassVar[Scope] = Scope(unit_path="message__destination__unit__path")

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField("lần thử")
    cycle = models.PositiveSmallIntegerField("lượt gửi", default=1)
    started_at = models.DateTimeField("bắt đầu")
    duration_ms = models.PositiveIntegerField("thời gian (ms)", null=True, blank=True)
    http_status = models.PositiveSmallIntegerField("mã HTTP", null=True, blank=True)
    outcome = models.CharField("kết quả", max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    error = models.TextField("lỗi", blank=True, default="")
    retry_at = models.DateTimeField("hẹn thử lại", null=True, blank=True)

    class Meta:
        verbose_name = "lần gửi"
        verbose_name_plural = "lần gửi"
        ordering = ("message", "started_at", "pk")

    def __str__(self) -> str:
        return f"{self.message_id} #{self.number} {self.outcome}"
