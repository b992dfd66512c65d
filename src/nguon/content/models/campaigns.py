"""Propagation campaigns (chiến dịch tuyên truyền): a directive, its targets and what each one did."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from nguon.content.choices import CampaignChannel, CampaignStatus, TargetStatus
from nguon.content.models.bulletins import MediaBlob
from nguon.core.access import Scope


class Campaign(models.Model):
    """A higher unit's directive to spread a document through chosen channels by a deadline."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path", organisation="organisation_id")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="campaigns")
    organisation = models.ForeignKey(
        "units.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="cơ quan ban hành",
    )
    title = models.CharField("tên chiến dịch", max_length=300)
    directive = models.TextField("nội dung chỉ đạo", blank=True, help_text="HTML đã lọc an toàn.")
    directive_text = models.TextField(blank=True, editable=False)
    reference = models.CharField("số, ký hiệu văn bản", max_length=120, blank=True)
    channels = models.JSONField("hình thức tuyên truyền", default=list)
    deadline = models.DateField("hạn báo cáo")
    status = models.CharField(
        "trạng thái", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "chiến dịch tuyên truyền"
        verbose_name_plural = "chiến dịch tuyên truyền"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(CampaignChannel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class CampaignDocument(models.Model):
    """A document issued with a campaign (the decision to spread, a leaflet, an audio spot)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    blob = models.ForeignKey(MediaBlob, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField("tên tệp", max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("added_at", "id")

    def __str__(self) -> str:
        return self.original_name


class CampaignTarget(models.Model):
    """A unit, residential group or organisation asked to carry out a campaign.

    ``unit`` is always set (an organisation's own unit when the target is an organisation) so that the
    people of that unit see the assignment; ``organisation`` narrows it to one body.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path", organisation="organisation_id")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "units.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=TargetStatus.choices, default=TargetStatus.PENDING)
    reported_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField("số lần nhắc", default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị thực hiện"
        verbose_name_plural = "đơn vị thực hiện"
        ordering = ("campaign", "unit__path", "id")
        indexes = (models.Index(fields=["campaign", "status"]),)
        constraints = (
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(organisation__isnull=True),
                name="content_ctarget_unit",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=Q(organisation__isnull=False),
                name="content_ctarget_org",
            ),
        )

    def __str__(self) -> str:
        return str(self.organisation or self.unit)


class CampaignReport(models.Model):
    """What a target did for a campaign: one row per channel used."""

    access_scope: ClassVar[Scope] = Scope(
        unit_path="target__unit__path", organisation="target__organisation_id"
    )

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="reports")
    channel = models.CharField("hình thức", max_length=16, choices=CampaignChannel.choices)
    done_on = models.DateField("ngày thực hiện")
    audience = models.PositiveIntegerField("số người được tiếp cận", null=True, blank=True)
    evidence_link = models.URLField("liên kết minh chứng", blank=True, max_length=500)
    evidence = models.ForeignKey(MediaBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence_name = models.CharField(max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo thực hiện"
        verbose_name_plural = "báo cáo thực hiện"
        ordering = ("target", "done_on", "id")
        constraints = (
            models.UniqueConstraint(fields=["target", "channel", "done_on"], name="content_creport_unique"),
        )

    def __str__(self) -> str:
        return f"{self.target} — {self.get_channel_display()} {self.done_on:%d/%m/%Y}"
