"""The station settings form: quiet hours, fallback audio, days ahead, the two-person emergency rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.radio.forms.programmes import PlainForm
from nguon.radio.services.settings import MAX_HORIZON_DAYS, MIN_HORIZON_DAYS

_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class StationForm(PlainForm):
    quiet_start = forms.TimeField(label=_("Giờ yên tĩnh từ"), widget=_TIME)
    quiet_end = forms.TimeField(
        label=_("đến"), widget=_TIME, help_text=_("Hai giờ bằng nhau: không có giờ yên tĩnh.")
    )
    fallback = forms.FileField(
        label=_("Âm thanh dự phòng mới"),
        required=False,
        help_text=_("Phát vào phần trống của chương trình và thay bản tin thiếu âm thanh."),
    )
    remove_fallback = forms.BooleanField(label=_("Bỏ âm thanh dự phòng"), required=False)
    horizon_days = forms.IntegerField(
        label=_("Số ngày lập lịch trước"), min_value=MIN_HORIZON_DAYS, max_value=MAX_HORIZON_DAYS
    )
    emergency_second_approver = forms.BooleanField(
        label=_("Phát khẩn cấp cần người thứ hai phê duyệt"), required=False
    )
