"""The audit trail: append-only, hash-chained, one row per write."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope


class AuditEvent(models.Model):
    """One write to domain state: who did what to which object, where, with before/after values.

    Rows are numbered without gaps (``seq``) and chained: ``hash`` covers the row's content and the
    previous row's hash, so an edited, inserted or deleted row breaks the chain at that point
    (``nguon audit verify``). The database refuses UPDATE and DELETE on this table (triggers installed by
    migration 0002); the model refuses them too.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit_path")

    seq = models.PositiveBigIntegerField("số thứ tự", unique=True)
    occurred_at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        # The trail keeps the id and label of a person even after their account is gone; it never changes.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField("người thực hiện (tên)", max_length=200)
    action = models.CharField("hành động", max_length=100, db_index=True)
    target_type = models.CharField("loại đối tượng", max_length=100, blank=True)
    target_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    target_label = models.CharField("đối tượng", max_length=300, blank=True)
    unit_path = models.CharField("đơn vị (đường dẫn)", max_length=120, blank=True, db_index=True)
    unit_label = models.CharField("đơn vị", max_length=240, blank=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    request_id = models.CharField("mã yêu cầu", max_length=64, blank=True)
    prev_hash = models.CharField("hash trước", max_length=64)
    hash = models.CharField("hash", max_length=64)

    class Meta:
        verbose_name = "nhật ký kiểm toán"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ("-seq",)
        indexes = (models.Index(fields=("target_type", "target_id")),)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """The single row holding the last ``seq`` and ``hash``; locked while a row is appended.

    It serialises appends across processes and lets verification notice rows deleted from the end.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class IdempotencyKey(models.Model):
    """A write request sent with an ``Idempotency-Key`` header, and the response it got.

    A client that retries (a dropped 3G connection, a double click) with the same key gets the stored
    response instead of a second bulletin; the same key with a different request is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty while in progress."
    )
    response_body = models.BinaryField(blank=True, default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_unique"),)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class PeriodicRun(models.Model):
    """When a periodic job (``core.periodic.JOBS``) was last put on the task queue.

    One row per job name; the scheduler locks the rows while it decides, so two schedulers (two hosts, a
    restart) never enqueue the same job twice in one interval.
    """

    name = models.CharField("công việc định kỳ", max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField("lần đưa vào hàng đợi gần nhất", null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)
    runs = models.PositiveBigIntegerField("số lần", default=0)

    class Meta:
        verbose_name = "công việc định kỳ"
        verbose_name_plural = "công việc định kỳ"

    def __str__(self) -> str:
        return self.name
