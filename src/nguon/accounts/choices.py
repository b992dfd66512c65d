"""Roles a person can be granted. What each role may do is decided in :mod:`nguon.core.access`."""

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"
    EDITORIAL_BOARD = "editorial_board", "Thành viên ban biên tập"
    PROVINCIAL_APPROVER = "provincial_approver", "Người phê duyệt cấp tỉnh"
    DEPARTMENT_CONTRIBUTOR = "department_contributor", "Cán bộ cung cấp tin của sở, ngành"
    COMMUNE_EDITOR = "commune_editor", "Biên tập viên cấp xã"
    COMMUNE_APPROVER = "commune_approver", "Người phê duyệt cấp xã"
    COMMUNE_OPERATOR = "commune_operator", "Cán bộ vận hành đài cấp xã"
    TECHNICIAN = "technician", "Kỹ thuật viên"
    AUDITOR = "auditor", "Kiểm tra an toàn thông tin"
    VIEWER = "viewer", "Người xem"
