"""Forms of the handlers' screens: actions on one feedback, staff entry, settings. Bad input gives a
Vietnamese message next to the field; the services check the rest (access, state) and say why."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.feedback.choices import STAFF_CHANNELS, Channel, Status
from nguon.feedback.models import FeedbackCategory
from nguon.units.models import AdministrativeUnit, Organisation

_REQUIRED = {"required": _("Trường này không được để trống.")}


class QueueFilterForm(forms.Form):
    STATUS_CHOICES: ClassVar[list[tuple[str, Any]]] = [
        ("", _("Tất cả")),
        ("open", _("Đang mở")),
        *Status.choices,
    ]
    status = forms.ChoiceField(label=_("Trạng thái"), choices=STATUS_CHOICES, required=False)
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    channel = forms.ChoiceField(
        label=_("Kênh tiếp nhận"), choices=[("", _("Tất cả")), *Channel.choices], required=False
    )
    commune = forms.ChoiceField(label=_("Xã, phường"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ quá hạn"), required=False)
    mine = forms.BooleanField(label=_("Việc của tôi"), required=False)
    q = forms.CharField(label=_("Mã hoặc tiêu đề"), max_length=100, required=False)

    def __init__(self, *args: Any, communes: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = FeedbackCategory.objects.order_by("position", "name")
        category, commune = self.fields["category"], self.fields["commune"]
        assert isinstance(category, forms.ChoiceField)
        assert isinstance(commune, forms.ChoiceField)
        category.choices = [("", _("Tất cả")), *((c.code, c.name) for c in categories)]
        commune.choices = [("", _("Tất cả")), *((u.code, u.name) for u in communes)]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Ghi chú nội bộ"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ghi chú đang trống.")},
    )


class PersonChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class AssignForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("Giao cho"),
        queryset=None,
        error_messages={
            "required": _("Chọn người được phân công."),
            "invalid_choice": _("Người này không xử lý phản ánh ở đơn vị này."),
        },
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Chuyển đến đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        error_messages={"required": _("Chọn đơn vị nhận."), "invalid_choice": _("Đơn vị không hợp lệ.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan (không bắt buộc)"),
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Cơ quan không hợp lệ.")},
    )
    reason = forms.CharField(
        label=_("Lý do chuyển"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Nêu lý do chuyển.")},
    )

    def __init__(self, *args: Any, units: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        org_field = self.fields["organisation"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(org_field, forms.ModelChoiceField)
        unit_field.queryset = units
        org_field.queryset = organisations


class ReasonForm(forms.Form):
    """Declining a feedback (public reason) or returning an answer (to its author)."""

    reason = forms.CharField(
        label=_("Lý do"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do.")},
    )


class AnswerForm(forms.Form):
    public_title = forms.CharField(
        label=_("Tiêu đề công khai"),
        max_length=200,
        required=False,
        help_text=_("Khi công bố; không ghi họ tên, số điện thoại, địa chỉ thư của người gửi."),
    )
    body = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Nhập nội dung trả lời.")},
    )
    air_on_radio = forms.BooleanField(label=_("Phát trên đài truyền thanh cơ sở"), required=False)


class PublicFileForm(forms.Form):
    public = forms.BooleanField(required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the content checks happen in the intake service."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class StaffEntryForm(forms.Form):
    """Feedback received by phone, hotline or in person, entered by a handler for the citizen."""

    channel = forms.ChoiceField(
        label=_("Kênh tiếp nhận"),
        choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
        error_messages={"required": _("Chọn kênh tiếp nhận.")},
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=FeedbackCategory.objects.filter(active=True),
        error_messages={
            "required": _("Chọn lĩnh vực phản ánh."),
            "invalid_choice": _("Lĩnh vực không hợp lệ."),
        },
    )
    unit = forms.ModelChoiceField(
        label=_("Xã, phường nơi xảy ra"),
        queryset=AdministrativeUnit.objects.none(),
        error_messages={
            "required": _("Chọn xã, phường nơi xảy ra sự việc."),
            "invalid_choice": _("Bạn không tiếp nhận phản ánh cho xã, phường này."),
        },
    )
    title = forms.CharField(label=_("Tiêu đề (không bắt buộc)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Nhập nội dung phản ánh.")},
    )
    address = forms.CharField(label=_("Địa điểm cụ thể"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Vĩ độ"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Kinh độ"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    reporter_name = forms.CharField(label=_("Họ và tên người phản ánh"), max_length=200, required=False)
    reporter_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    reporter_email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    wants_notification = forms.BooleanField(
        label=_("Người phản ánh muốn được báo kết quả"), required=False, initial=True
    )
    uploads = MultipleFileField(
        label=_("Ảnh, ghi âm (không bắt buộc)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,audio/*"}),
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = communes


class CategoryForm(forms.ModelForm[FeedbackCategory]):
    class Meta:
        model = FeedbackCategory
        fields = ("code", "name", "description", "group", "keywords", "deadline_days", "active", "position")
        labels: ClassVar[dict[str, Any]] = {
            "code": _("Mã (service_code Open311)"),
            "name": _("Tên lĩnh vực"),
            "description": _("Mô tả"),
            "group": _("Nhóm"),
            "keywords": _("Từ khoá"),
            "deadline_days": _("Thời hạn xử lý (ngày)"),
            "active": _("Đang nhận phản ánh"),
            "position": _("Thứ tự"),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "code": {
                "unique": _("Mã này đã có."),
                "invalid": _("Mã chỉ gồm chữ thường không dấu, số, gạch."),
            },
            "name": _REQUIRED,
        }


class RuleForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=FeedbackCategory.objects.all(),
        required=False,
        empty_label=_("(mọi lĩnh vực)"),
    )
    unit = forms.ModelChoiceField(
        label=_("Địa bàn áp dụng"),
        queryset=AdministrativeUnit.objects.none(),
        error_messages={"required": _("Chọn địa bàn áp dụng."), "invalid_choice": _("Địa bàn không hợp lệ.")},
    )
    handling_unit = forms.ModelChoiceField(
        label=_("Đơn vị xử lý"),
        queryset=AdministrativeUnit.objects.none(),
        error_messages={"required": _("Chọn đơn vị xử lý."), "invalid_choice": _("Đơn vị không hợp lệ.")},
    )
    handling_organisation = forms.ModelChoiceField(
        label=_("Cơ quan xử lý (không bắt buộc)"), queryset=Organisation.objects.none(), required=False
    )
    deadline_days = forms.IntegerField(
        label=_("Thời hạn riêng (ngày, không bắt buộc)"), required=False, min_value=1, max_value=365
    )

    def __init__(self, *args: Any, units: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("unit", "handling_unit"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units
        org = self.fields["handling_organisation"]
        assert isinstance(org, forms.ModelChoiceField)
        org.queryset = organisations
