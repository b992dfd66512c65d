"""Forms of the fleet screens: the list's filters and the remote commands a technician may send."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.devices.choices import DeviceKind

#: The status filter: one of the three derived facts, or its absence.
STATUS_CHOICES = [
    ("", _("Mọi trạng thái")),
    ("connected", _("Đang kết nối")),
    ("disconnected", _("Mất kết nối")),
    ("fresh", _("Nhịp tim đúng hạn")),
    ("stale", _("Quá hạn nhịp tim")),
    ("healthy", _("Hoạt động đúng lịch")),
    ("unhealthy", _("Sai lịch phát")),
    ("never", _("Chưa từng báo cáo")),
]


class FleetFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã/phường"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Loại thiết bị"), required=False, choices=[("", _("Mọi loại")), *DeviceKind.choices]
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=STATUS_CHOICES)
    q = forms.CharField(label=_("Mã, tên hoặc số sê-ri"), required=False, max_length=100)

    def __init__(self, *args: Any, communes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Mọi xã/phường")), *communes]  # type: ignore[attr-defined]


class VolumeForm(forms.Form):
    level = forms.IntegerField(label=_("Âm lượng (0–100)"), min_value=0, max_value=100)


class PowerForm(forms.Form):
    state = forms.ChoiceField(label=_("Nguồn"), choices=[("on", _("Bật")), ("off", _("Tắt"))])


class RebootForm(forms.Form):
    delay_s = forms.IntegerField(
        label=_("Chờ trước khi khởi động lại (giây)"), min_value=0, max_value=3600, required=False
    )
