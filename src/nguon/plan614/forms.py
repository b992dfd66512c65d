"""Forms of the Đề án 614 tracker: a progress update on a task, an entered value of a target, and a target
or a task itself (created and changed by the plan's managers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nguon.plan614 import measures
from nguon.plan614.choices import (
    FundingSource,
    Horizon,
    MeasureMethod,
    MeasureUnit,
    TargetHealth,
    TaskHealth,
    TaskStatus,
)
from nguon.plan614.models import Target, Task
from nguon.plan614.services.fields import MAX_TEXT, TARGET_FIELDS, TASK_FIELDS

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


class TargetForm(forms.Form):
    """A target of the plan; ``services.create_target``/``update_target`` do the checks that matter."""

    code = forms.SlugField(
        label=_("Mã mục tiêu"),
        max_length=32,
        help_text=_("Chữ thường không dấu, số và gạch nối, ví dụ: t-cum-loa."),
        error_messages={
            "required": _("Cần nhập mã mục tiêu."),
            "invalid": _("Mã chỉ gồm chữ không dấu, số, gạch nối và gạch dưới."),
        },
    )
    wording = forms.CharField(
        label=_("Nội dung mục tiêu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        error_messages={"required": _("Cần nhập nội dung mục tiêu.")},
    )
    section = forms.CharField(label=_("Mục của Đề án"), max_length=120, required=False)
    horizon = forms.TypedChoiceField(
        label=_("Mốc"), choices=Horizon.choices, coerce=int, error_messages={"required": _("Chọn mốc.")}
    )
    measure_unit = forms.ChoiceField(
        label=_("Đơn vị đo"), choices=MeasureUnit.choices, error_messages={"required": _("Chọn đơn vị đo.")}
    )
    target_value = forms.DecimalField(
        label=_("Giá trị mục tiêu"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": _("Cần nhập giá trị mục tiêu."),
            "min_value": _("Giá trị không được âm."),
            "invalid": _("Cần nhập một số."),
        },
    )
    method = forms.ChoiceField(
        label=_("Cách đo"), choices=MeasureMethod.choices, error_messages={"required": _("Chọn cách đo.")}
    )
    computed_key = forms.ChoiceField(
        label=_("Chỉ số tính tự động"),
        required=False,
        help_text=_("Chỉ dùng khi cách đo là tính từ dữ liệu hệ thống."),
    )
    position = forms.IntegerField(
        label=_("Thứ tự hiển thị"),
        min_value=0,
        max_value=32767,
        required=False,
        initial=0,
        error_messages={
            "min_value": _("Thứ tự là số nguyên từ 0 đến 32767."),
            "max_value": _("Thứ tự là số nguyên từ 0 đến 32767."),
            "invalid": _("Thứ tự là số nguyên từ 0 đến 32767."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["computed_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("— Không dùng —")),
            *((key, measures.label(key)) for key in measures.known_keys()),
        ]

    @classmethod
    def initial_of(cls, target: Target) -> dict[str, Any]:
        return {name: getattr(target, name) for name in TARGET_FIELDS}


class TaskForm(forms.Form):
    """A task of the annex; ``services.create_task``/``update_task`` do the checks that matter."""

    number = forms.IntegerField(
        label=_("Số thứ tự"),
        min_value=1,
        max_value=32767,
        error_messages={
            "required": _("Số thứ tự phải là số nguyên dương."),
            "min_value": _("Số thứ tự phải là số nguyên dương."),
            "max_value": _("Số thứ tự quá lớn."),
            "invalid": _("Số thứ tự phải là số nguyên dương."),
        },
    )
    title = forms.CharField(
        label=_("Tên nhiệm vụ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT,
        error_messages={"required": _("Cần nhập tên nhiệm vụ.")},
    )
    description = forms.CharField(
        label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT, required=False
    )
    lead_text = forms.CharField(
        label=_("Đơn vị chủ trì (theo Phụ lục)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT,
        required=False,
    )
    partner_text = forms.CharField(
        label=_("Đơn vị phối hợp (theo Phụ lục)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT,
        required=False,
    )
    funding = forms.MultipleChoiceField(
        label=_("Nguồn kinh phí"),
        choices=FundingSource.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Chọn nguồn kinh phí trong danh mục."),
            "invalid_choice": _("Chọn nguồn kinh phí trong danh mục."),
        },
    )
    period_start = forms.DateField(
        label=_("Ngày bắt đầu"), widget=_DATE, error_messages={"required": _("Cần nhập ngày bắt đầu.")}
    )
    period_end = forms.DateField(
        label=_("Ngày kết thúc"), widget=_DATE, error_messages={"required": _("Cần nhập ngày kết thúc.")}
    )
    period_text = forms.CharField(
        label=_("Thời gian (theo Phụ lục)"),
        max_length=60,
        required=False,
        help_text=_("Ghi nguyên văn như trong Phụ lục, ví dụ: “2024-2030” hoặc “Hằng năm”."),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=TaskStatus.choices, initial=TaskStatus.NOT_STARTED
    )

    @classmethod
    def initial_of(cls, task: Task) -> dict[str, Any]:
        return {name: getattr(task, name) for name in TASK_FIELDS}


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
