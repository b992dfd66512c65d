"""Roles a person can be granted. What each role may do is decided in :mod:`nguon.core.access`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    EDITORIAL_BOARD = "editorial_board", _("Thành viên ban biên tập")
    PROVINCIAL_APPROVER = "provincial_approver", _("Người phê duyệt cấp tỉnh")
    DEPARTMENT_CONTRIBUTOR = "department_contributor", _("Cán bộ cung cấp tin của sở, ngành")
    COMMUNE_EDITOR = "commune_editor", _("Biên tập viên cấp xã")
    COMMUNE_APPROVER = "commune_approver", _("Người phê duyệt cấp xã")
    COMMUNE_OPERATOR = "commune_operator", _("Cán bộ vận hành đài cấp xã")
    TECHNICIAN = "technician", _("Kỹ thuật viên")
    AUDITOR = "auditor", _("Kiểm tra an toàn thông tin")
    VIEWER = "viewer", _("Người xem")
    TRANSLATOR = "translator", _("Biên dịch viên")
