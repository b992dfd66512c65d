"""The main navigation: one entry per module, shown when the person's roles allow it.

Modules that later issues build are listed as "coming" so people see the whole shape of the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nguon.core import access


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str | None  # None: the module is not built yet
    action: (
        str | tuple[str, ...] | None
    )  # the action (any of them) that makes it visible; None: everyone signed in


def _items() -> list[NavItem]:
    return [
        NavItem(str(_("Tổng quan")), reverse("core:dashboard"), None),
        NavItem(str(_("Đơn vị hành chính")), reverse("units:list"), access.UNITS_VIEW),
        NavItem(str(_("Tổ chức")), reverse("units:organisations"), access.ORGANISATIONS_VIEW),
        NavItem(str(_("Việc chờ tôi")), reverse("content:waiting"), access.CONTENT_VIEW),
        NavItem(str(_("Bản tin")), reverse("content:bulletins"), access.CONTENT_VIEW),
        NavItem(str(_("Tin đến của xã")), reverse("content:inbox"), access.CONTENT_RECEIVE),
        NavItem(str(_("Chiến dịch tuyên truyền")), reverse("content:campaigns"), access.CONTENT_VIEW),
        NavItem(str(_("Tìm kiếm")), reverse("content:search"), access.CONTENT_VIEW),
        NavItem(str(_("Đọc văn bản")), reverse("speech:index"), access.SPEECH_USE),
        NavItem(str(_("Đài truyền thanh")), reverse("radio:schedule"), access.BROADCAST_OPERATE),
        NavItem(str(_("Phát khẩn cấp")), reverse("radio:emergency-list"), access.BROADCAST_EMERGENCY),
        NavItem(str(_("Nhật ký phát thanh")), reverse("radio:logs"), access.BROADCAST_OPERATE),
        NavItem(str(_("Thiết bị")), reverse("devices:list"), access.DEVICES_VIEW),
        NavItem(str(_("Bảng tin điện tử")), reverse("boards:list"), access.BOARDS_MANAGE),
        NavItem(str(_("Phản ánh, kiến nghị")), reverse("feedback:queue"), access.FEEDBACK_HANDLE),
        NavItem(
            str(_("Bản dịch")),
            reverse("translations:list"),
            (access.TRANSLATIONS_WRITE, access.TRANSLATIONS_PUBLISH),
        ),
        NavItem(str(_("Bình luận")), reverse("comments:queue"), access.COMMENTS_MODERATE),
        NavItem(str(_("Kênh phát hành ngoài")), reverse("outbound:destinations"), access.OUTBOUND_OPERATE),
        NavItem(str(_("Thống kê, báo cáo")), reverse("reports:index"), access.REPORTS_VIEW),
        NavItem(str(_("Đề án 614")), reverse("plan614:dashboard"), access.REPORTS_VIEW),
        NavItem(str(_("Đồng bộ trung ương")), reverse("centralsync:index"), access.CENTRALSYNC_MANAGE),
        NavItem(str(_("Nhật ký kiểm toán")), reverse("core:audit"), access.AUDIT_VIEW),
        NavItem(str(_("Quản trị")), reverse("admin:index"), access.ADMIN_SITE),
        NavItem(str(_("Cổng thông tin công khai")), reverse("portal:home"), None),
    ]


def items_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in _items() if _visible(user, item.action)]


def _visible(user: Any, action: str | tuple[str, ...] | None) -> bool:
    if action is None:
        return True
    actions = (action,) if isinstance(action, str) else action
    return any(access.has_action(user, a) for a in actions)
