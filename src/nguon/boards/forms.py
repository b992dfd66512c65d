"""Forms of the e-board management screens: items, playlists and their entries, schedules, the list
filter. They only check types and shapes; the rules (what a kind needs, media checks, overlaps) are the
services' and come back as ``ValidationError`` that the views put next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.boards.choices import ItemKind, Layout, SchedulePriority, Theme

WEEKDAYS = (
    (1, _("Thứ Hai")),
    (2, _("Thứ Ba")),
    (3, _("Thứ Tư")),
    (4, _("Thứ Năm")),
    (5, _("Thứ Sáu")),
    (6, _("Thứ Bảy")),
    (7, _("Chủ Nhật")),
)

_LOCAL_INPUT = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")
_DATE_INPUT = ("%Y-%m-%d", "%d/%m/%Y")
_SECONDS_ERRORS = {
    "min_value": _("Thời lượng phải từ 1 đến 3600 giây."),
    "max_value": _("Thời lượng phải từ 1 đến 3600 giây."),
    "invalid": _("Nhập số giây (số nguyên)."),
}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class Form(forms.Form):
    """A form whose labels carry no ":" (screen readers and tests find fields by their exact label)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CommuneFilterForm(Form):
    commune = forms.ChoiceField(label=_("Xã/phường"), required=False)

    def __init__(self, *args: Any, communes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "commune", [("", _("— tất cả —")), *communes])


class ItemForm(Form):
    unit = forms.ChoiceField(label=_("Xã/phường"))
    kind = forms.ChoiceField(label=_("Loại"), choices=ItemKind.choices)
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=300,
        required=False,
        help_text=_("Để trống với bản tin (lấy tiêu đề bản tin) hoặc đồng hồ."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Chữ thuần, mỗi đoạn một dòng. Với bản tin, để trống sẽ lấy nội dung của bản tin."),
    )
    bulletin = forms.ChoiceField(label=_("Bản tin đã duyệt"), required=False)
    media_file = forms.FileField(
        label=_("Tệp hình ảnh hoặc video"),
        required=False,
        help_text=_("Hình ảnh JPEG/PNG/WebP hoặc video MP4 (H.264) / WebM mà trình duyệt phát được."),
    )
    layout = forms.ChoiceField(label=_("Bố cục"), choices=Layout.choices, initial=Layout.FULL)
    theme = forms.ChoiceField(label=_("Giao diện"), choices=Theme.choices, initial=Theme.DARK)
    ticker = forms.CharField(label=_("Dòng chữ chạy"), max_length=1000, required=False)
    side_title = forms.CharField(label=_("Tiêu đề bên phải"), max_length=300, required=False)
    side_body = forms.CharField(
        label=_("Nội dung bên phải"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    duration_seconds = forms.IntegerField(
        label=_("Thời lượng mỗi trang (giây)"),
        min_value=1,
        max_value=3600,
        initial=15,
        error_messages=_SECONDS_ERRORS,
    )
    valid_from = forms.DateTimeField(
        label=_("Hiển thị từ"), required=False, input_formats=_LOCAL_INPUT, widget=LocalDateTimeInput()
    )
    valid_until = forms.DateTimeField(
        label=_("Hiển thị đến"), required=False, input_formats=_LOCAL_INPUT, widget=LocalDateTimeInput()
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        return data


class PlaylistForm(Form):
    unit = forms.ChoiceField(label=_("Xã/phường"))
    name = forms.CharField(label=_("Tên danh sách"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), max_length=500, required=False)
    is_default = forms.BooleanField(label=_("Nội dung mặc định khi không có lịch"), required=False)


class EntryAddForm(Form):
    item = forms.ChoiceField(label=_("Mục cần thêm"))
    duration_seconds = forms.IntegerField(
        label=_("Thời lượng riêng (giây)"),
        min_value=1,
        max_value=3600,
        error_messages=_SECONDS_ERRORS,
        required=False,
        help_text=_("Để trống: dùng thời lượng của mục."),
    )


class EntryDurationForm(Form):
    duration_seconds = forms.IntegerField(
        label=_("Thời lượng riêng (giây)"),
        min_value=1,
        max_value=3600,
        required=False,
        error_messages=_SECONDS_ERRORS,
    )


class ScheduleForm(Form):
    unit = forms.ChoiceField(label=_("Xã/phường"))
    name = forms.CharField(label=_("Tên lịch"), max_length=200)
    playlist = forms.ChoiceField(label=_("Danh sách phát"))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Các ngày trong tuần"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5, 6, 7],
    )
    start_time = forms.TimeField(label=_("Từ giờ"), widget=TimeInput())
    end_time = forms.TimeField(
        label=_("Đến giờ"),
        widget=TimeInput(),
        help_text=_("Giờ kết thúc sớm hơn hoặc bằng giờ bắt đầu nghĩa là chạy qua nửa đêm."),
    )
    start_date = forms.DateField(label=_("Từ ngày"), input_formats=_DATE_INPUT, widget=DateInput())
    end_date = forms.DateField(
        label=_("Đến ngày"), required=False, input_formats=_DATE_INPUT, widget=DateInput()
    )
    priority = forms.TypedChoiceField(
        label=_("Mức ưu tiên"),
        choices=SchedulePriority.choices,
        coerce=int,
        initial=SchedulePriority.NORMAL,
    )
    all_boards = forms.TypedChoiceField(
        label=_("Hiển thị trên"),
        choices=(("1", _("Mọi bảng tin của xã/phường")), ("0", _("Các bảng tin hoặc nhóm được chọn"))),
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    devices = forms.MultipleChoiceField(
        label=_("Bảng tin"), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(
        label=_("Nhóm thiết bị"), required=False, widget=forms.CheckboxSelectMultiple
    )
    enabled = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        if data.get("all_boards") is False and not data.get("devices") and not data.get("groups"):
            self.add_error("devices", _("Hãy chọn ít nhất một bảng tin hoặc một nhóm."))
        return data
