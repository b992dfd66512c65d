"""Bulletins, their revisions, targets and attachments (files stored once, by content hash)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from nguon.content.choices import AttachmentKind, Language, Priority, SourceLevel, Status, TargetScope
from nguon.content.models.taxonomy import Category
from nguon.core.access import Scope

if TYPE_CHECKING:
    from nguon.units.models import AdministrativeUnit


class Bulletin(models.Model):
    """A bulletin (bản tin): one item with renditions, moving through the editorial workflow.

    ``unit`` is where the bulletin belongs (the commune that wrote it, or the province for provincial,
    departmental and central bulletins); access is scoped by it, and by ``source_organisation`` for the
    people of a department. The working text is on the row; every saved change is also a
    :class:`BulletinRevision`, and ``live_revision`` is the revision channels carry.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path", organisation="source_organisation_id")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="bulletins")
    source_level = models.CharField("nguồn tin", max_length=16, choices=SourceLevel.choices)
    source_organisation = models.ForeignKey(
        "units.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
        verbose_name="cơ quan cung cấp",
    )
    title = models.CharField("tiêu đề", max_length=300)
    summary = models.TextField("tóm tắt", blank=True)
    body = models.TextField("nội dung", blank=True, help_text="HTML đã lọc an toàn.")
    body_text = models.TextField("nội dung dạng chữ", blank=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="bulletins", verbose_name="lĩnh vực"
    )
    language = models.CharField("ngôn ngữ", max_length=16, choices=Language.choices, default=Language.VI)
    priority = models.CharField(
        "mức ưu tiên", max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    target_scope = models.CharField(
        "phạm vi", max_length=16, choices=TargetScope.choices, default=TargetScope.PROVINCE
    )
    targets: models.ManyToManyField[AdministrativeUnit, BulletinTarget] = models.ManyToManyField(
        "units.AdministrativeUnit", through="BulletinTarget", related_name="targeted_bulletins", blank=True
    )
    channels = models.JSONField("kênh", default=list)
    valid_from = models.DateTimeField("hiệu lực từ", null=True, blank=True)
    valid_until = models.DateTimeField("hết hiệu lực", null=True, blank=True)
    voice = models.ForeignKey(
        "speech.Voice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="giọng đọc",
    )
    audio_render = models.ForeignKey(
        "speech.AudioRender", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    revision = models.PositiveIntegerField("phiên bản", default=1)
    live_revision = models.PositiveIntegerField("phiên bản đang phát hành", null=True, blank=True)
    due_at = models.DateTimeField("hạn bước hiện tại", null=True, blank=True, db_index=True)
    external_id = models.CharField(
        "mã ở hệ thống trung ương", max_length=128, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    distributed_at = models.DateTimeField(null=True, blank=True)
    first_distributed_at = models.DateTimeField(
        "phát hành lần đầu", null=True, blank=True, help_text="When the first revision went live."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    #: Fields a revision records and a diff compares, in display order.
    CONTENT_FIELDS = (
        "title",
        "summary",
        "body_text",
        "category",
        "language",
        "priority",
        "target_scope",
        "channels",
        "valid_from",
        "valid_until",
    )

    class Meta:
        verbose_name = "bản tin"
        verbose_name_plural = "bản tin"
        ordering = ("-updated_at",)
        indexes = (
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "due_at"]),
            # the public sections, feeds and API list newest live revision first
            models.Index(fields=["-distributed_at", "-id"], name="content_bulletin_public_order"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def is_correcting(self) -> bool:
        """A distributed bulletin being corrected: the live revision stays on air until the new one."""
        return self.live_revision is not None and self.status not in (Status.DISTRIBUTED, Status.WITHDRAWN)


class BulletinTarget(models.Model):
    """A commune or residential unit a bulletin is sent to (none: the whole province)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="target_links")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["bulletin", "unit"], name="content_target_unique"),)

    def __str__(self) -> str:
        return f"{self.bulletin_id} → {self.unit_id}"


class BulletinRevision(models.Model):
    """What a bulletin said at one revision: every saved edit and every correction makes one."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("phiên bản")
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, help_text="The CONTENT_FIELDS, attachments and targets.")
    note = models.CharField("ghi chú", max_length=300, blank=True)
    is_correction = models.BooleanField("đính chính", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản bản tin"
        verbose_name_plural = "phiên bản bản tin"
        ordering = ("bulletin", "number")
        constraints = (
            models.UniqueConstraint(fields=["bulletin", "number"], name="content_revision_unique"),
        )

    def __str__(self) -> str:
        return f"{self.bulletin} — v{self.number}"


class MediaBlob(models.Model):
    """A stored file, once per content (SHA-256), checked by its bytes and not by its name."""

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField("loại", max_length=16, choices=AttachmentKind.choices)
    mime_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    duration_seconds = models.FloatField("thời lượng (giây)", null=True, blank=True)
    file = models.FileField(upload_to="content/", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp lưu trữ"
        verbose_name_plural = "tệp lưu trữ"

    def __str__(self) -> str:
        return f"{self.sha256[:12]}.{self.extension}"


class Attachment(models.Model):
    """A file attached to a bulletin, under the name the author gave it."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="bulletin__unit__path", organisation="bulletin__source_organisation_id"
    )

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey(MediaBlob, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField("tên tệp", max_length=255)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ("added_at", "id")

    def __str__(self) -> str:
        return self.original_name
