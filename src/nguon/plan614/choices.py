"""Fixed vocabularies of the plan614 app (codes in English, labels in Vietnamese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Horizon(models.IntegerChoices):
    """The two horizons of Đề án 614: the targets for 2030 and the vision to 2045."""

    Y2030 = 2030, _("Đến năm 2030")
    Y2045 = 2045, _("Tầm nhìn đến năm 2045")


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ (%)")
    COUNT = "count", _("Số lượng")


class MeasureMethod(models.TextChoices):
    """How a target's value is obtained: computed from the system's rows, or entered with evidence."""

    COMPUTED = "computed", _("Tính từ dữ liệu hệ thống")
    ENTERED = "entered", _("Nhập kèm minh chứng")


class FundingSource(models.TextChoices):
    STATE_CENTRAL = "state_central", _("Ngân sách nhà nước (trung ương)")
    STATE_LOCAL = "state_local", _("Ngân sách nhà nước (địa phương)")
    SOCIALISATION = "socialisation", _("Nguồn xã hội hóa")
    OTHER = "other", _("Nguồn hợp pháp khác")


class TaskStatus(models.TextChoices):
    """The recorded state of a task; kept in step with its progress updates."""

    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class TargetHealth(models.TextChoices):
    """Where a target stands (see docs/plan614.md for the rule)."""

    ACHIEVED = "achieved", _("Đã đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    AT_RISK = "at_risk", _("Có nguy cơ không đạt")
    NO_DATA = "no_data", _("Chưa có số liệu")


class TaskHealth(models.TextChoices):
    """Where a task stands against the elapsed share of its period (see docs/plan614.md)."""

    DONE = "done", _("Hoàn thành")
    OVERDUE = "overdue", _("Quá hạn")
    AT_RISK = "at_risk", _("Chậm tiến độ")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    NOT_STARTED = "not_started", _("Chưa đến kỳ")
