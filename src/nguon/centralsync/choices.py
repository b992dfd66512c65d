"""Fixed vocabularies of the centralsync app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.TextChoices):
    """What Nguồn pushes up to the central system (contract v1, docs/integrations/central-sync.md)."""

    INVENTORY = "inventory", _("Danh mục đài, thiết bị")
    BULLETINS = "bulletins", _("Bản tin đã phát hành")
    BROADCASTS = "broadcasts", _("Kết quả phát theo xã, theo ngày")
    STATISTICS = "statistics", _("Số liệu báo cáo theo kỳ")


class Outcome(models.TextChoices):
    """How one HTTP exchange with the central system ended."""

    ACCEPTED = "accepted", _("Được nhận (2xx)")
    RETRY = "retry", _("Lỗi tạm thời, thử lại")
    FAILED = "failed", _("Thất bại")
