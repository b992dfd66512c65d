"""A citizen's feedback, its files, its timeline and its answers.

Personal data (name, phone, e-mail, the sender's address hash) lives only on :class:`Feedback` in the
``reporter_*`` fields; published answers, feeds and Open311 public responses never read them, and
``services/retention.py`` blanks them when the retention period ends.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.feedback.choices import AnswerStatus, Channel, EventKind, Status
from nguon.feedback.models.setup import ApiClient, FeedbackCategory


class Feedback(models.Model):
    """One piece of feedback (phản ánh, kiến nghị). ``public_id`` is the Open311 ``service_request_id``
    and what the citizen quotes; ``tracking_code`` (a secret) opens the citizen's tracking page."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="handling_unit__path", organisation="handling_organisation_id"
    )

    public_id = models.CharField("mã phản ánh", max_length=32, unique=True)
    tracking_code = models.CharField(max_length=32, unique=True)
    category = models.ForeignKey(
        FeedbackCategory, on_delete=models.PROTECT, related_name="feedback", verbose_name="lĩnh vực"
    )
    title = models.CharField("tiêu đề", max_length=200)
    description = models.TextField("nội dung")
    channel = models.CharField("kênh tiếp nhận", max_length=16, choices=Channel.choices)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    # Where it happened.
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name="xã, phường"
    )
    residential_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thôn, tổ dân phố",
    )
    address = models.CharField("địa điểm", max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Who handles it.
    handling_unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị xử lý"
    )
    handling_organisation = models.ForeignKey(
        "units.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan xử lý",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người xử lý",
    )
    received_at = models.DateTimeField("thời điểm tiếp nhận", db_index=True)
    due_at = models.DateTimeField("hạn xử lý", db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The sender (personal data: handlers only; blanked by the retention policy).
    reporter_name = models.CharField("họ và tên", max_length=200, blank=True)
    reporter_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    reporter_email = models.EmailField("thư điện tử", blank=True)
    reporter_ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    wants_notification = models.BooleanField("muốn được báo kết quả", default=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Where it came from.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField("mã ở hệ thống gửi", max_length=100, blank=True)
    # Likely duplicates are flagged, never merged automatically.
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The citizen's verdict.
    rating = models.PositiveSmallIntegerField("mức hài lòng (1–5)", null=True, blank=True)
    rating_comment = models.CharField("ý kiến về kết quả", max_length=1000, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-received_at", "-pk")
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        indexes = (
            models.Index(fields=["handling_unit", "status"]),
            models.Index(fields=["unit", "received_at"]),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["api_client", "external_id"],
                condition=~models.Q(external_id=""),
                name="feedback_unique_external_id",
            ),
        )

    def __str__(self) -> str:
        return f"{self.public_id} — {self.title}"

    @property
    def is_open(self) -> bool:
        from nguon.feedback.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class FeedbackAttachment(models.Model):
    """A photo or audio recording sent with the feedback (checked by content, stored once by hash)."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="feedback__handling_unit__path", organisation="feedback__handling_organisation_id"
    )

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey("content.MediaBlob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    public = models.BooleanField(
        "được công bố", default=False, help_text="Chỉ ảnh người xử lý đã xem và cho công bố."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name


class FeedbackEvent(models.Model):
    """The timeline. ``internal`` events (notes, routing) are for handlers only; the others are shown to
    the citizen on the tracking page and summarised in Open311 ``status_notes``."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="feedback__handling_unit__path", organisation="feedback__handling_organisation_id"
    )

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    message = models.TextField(blank=True)
    internal = models.BooleanField(default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind}"


class Answer(models.Model):
    """The authority's answer: drafted by a handler, approved by an approver, then published on the portal
    (and, when chosen, turned into a bulletin for commune radio). One feedback may get a new answer after
    it is reopened; the newest approved one is the published answer."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="feedback__handling_unit__path", organisation="feedback__handling_organisation_id"
    )

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    public_title = models.CharField(
        "tiêu đề công khai",
        max_length=200,
        blank=True,
        help_text="Tiêu đề khi công bố (không có thông tin cá nhân).",
    )
    body = models.TextField("nội dung trả lời")
    status = models.CharField(max_length=12, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT)
    air_on_radio = models.BooleanField("phát trên đài truyền thanh", default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.CharField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    bulletin = models.ForeignKey(
        "content.Bulletin", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("feedback", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.status}"


class SubmissionMark(models.Model):
    """One accepted or refused submission attempt, by hashed address and phone: the rate limits count these
    (in the database, so every web worker sees the same counts). Old rows are pruned."""

    ip_hash = models.CharField(max_length=64, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)
    accepted = models.BooleanField(default=True)

    class Meta:
        indexes = (models.Index(fields=["ip_hash", "at"]),)

    def __str__(self) -> str:
        return f"{self.ip_hash[:8]} {self.at:%Y-%m-%d %H:%M:%S}"
