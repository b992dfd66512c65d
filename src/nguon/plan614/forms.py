"""Forms of the Đề án 614 tracker: a progress update on a task, an entered value of a target."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nguon.plan614.choices import Horizon, TargetHealth, TaskHealth

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_EVIDENCE_HELP = _(
    "Văn bản (PDF, DOCX) hoặc ảnh (JPEG, PNG, GIF, WebP). Hệ thống kiểm tra nội dung tệp, đuôi tên phải "
    "khớp với nội dung."
)


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label=_("Ngày báo cáo"), widget=_DATE)
    percent = forms.IntegerField(
        label=_("Tỷ lệ hoàn thành (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100."),
            "max_value": _("Tỷ lệ hoàn thành phải từ 0 đến 100."),
            "invalid": _("Tỷ lệ hoàn thành phải là số nguyên."),
        },
    )
    text = forms.CharField(
        label=_("Nội dung đã thực hiện"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.FileField(label=_("Tệp minh chứng"), required=False, help_text=_EVIDENCE_HELP)
    evidence_link = forms.URLField(
        label=_("Hoặc liên kết minh chứng"), required=False, max_length=500, assume_scheme="https"
    )


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Số liệu tính đến ngày"), widget=_DATE)
    value = forms.DecimalField(
        label=_("Giá trị"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": _("Giá trị không được âm."), "invalid": _("Cần nhập một số.")},
    )
    evidence = forms.FileField(label=_("Tệp minh chứng"), required=False, help_text=_EVIDENCE_HELP)
    evidence_link = forms.URLField(
        label=_("Hoặc liên kết minh chứng"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Ghi chú (nguồn số liệu)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class DashboardFilters(forms.Form):
    horizon = forms.TypedChoiceField(
        label=_("Mốc"),
        choices=[("", _("Tất cả")), *list(Horizon.choices)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    target_health = forms.ChoiceField(
        label=_("Tình trạng mục tiêu"),
        choices=[("", _("Tất cả")), *list(TargetHealth.choices)],
        required=False,
    )
    task_health = forms.ChoiceField(
        label=_("Tình trạng nhiệm vụ"), choices=[("", _("Tất cả")), *list(TaskHealth.choices)], required=False
    )
    mine = forms.BooleanField(label=_("Chỉ nhiệm vụ đơn vị tôi chủ trì, phối hợp"), required=False)


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
