"""Forms of the report screens. The figures are checked by the service (``cycles.clean_figures``), not
here: the form only carries what was typed, and shows the service's messages next to each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.reports.indicators import ENTERED, INDICATORS, Indicator
from nguon.reports.services.cycles import Figure

ENTERED_INDICATORS: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.source == ENTERED)


class PlainForm(forms.Form):
    """A form whose labels are the bare Vietnamese words (no ":" suffix)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def value_field(code: str) -> str:
    return f"{code}-value"


def source_field(code: str) -> str:
    return f"{code}-source"


def clear_field(code: str) -> str:
    return f"{code}-clear"


CLEAR_REASON = "clear_reason"


class FiguresForm(PlainForm):
    """A value and its source for every indicator the commune enters, and a box to erase a figure saved
    before (with one reason for the figures erased at once)."""

    def __init__(self, *args: Any, disabled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in ENTERED_INDICATORS:
            self.fields[value_field(indicator.code)] = forms.CharField(
                label=f"{indicator.name} ({indicator.measure})",
                required=False,
                max_length=30,
                disabled=disabled,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.fields[source_field(indicator.code)] = forms.CharField(
                label=_("Nguồn số liệu: %(name)s") % {"name": indicator.name},
                required=False,
                max_length=300,
                disabled=disabled,
                help_text=_("Văn bản, quyết định hoặc sổ theo dõi làm căn cứ."),
            )
            self.fields[clear_field(indicator.code)] = forms.BooleanField(
                label=_("Xoá số đã nhập: %(name)s") % {"name": indicator.name},
                required=False,
                disabled=disabled,
            )
        self.fields[CLEAR_REASON] = forms.CharField(
            label=_("Lý do xoá số liệu"),
            required=False,
            max_length=300,
            disabled=disabled,
            help_text=_("Bắt buộc khi đánh dấu xoá một số đã nhập; được ghi vào nhật ký."),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for indicator in ENTERED_INDICATORS:
            typed = (cleaned.get(value_field(indicator.code)) or "").strip()
            if cleaned.get(clear_field(indicator.code)) and typed:
                self.add_error(
                    value_field(indicator.code), _("Chọn xoá số đã nhập hoặc nhập số mới, không chọn cả hai.")
                )
        return cleaned

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (i, self[value_field(i.code)], self[source_field(i.code)], self[clear_field(i.code)])
            for i in ENTERED_INDICATORS
        ]

    def erased(self) -> dict[str, str]:
        """The indicators ticked for erasing, each with the reason typed (the service refuses a blank one)."""
        reason = (self.cleaned_data.get(CLEAR_REASON) or "").strip()
        return {i.code: reason for i in ENTERED_INDICATORS if self.cleaned_data.get(clear_field(i.code))}

    def figures(self) -> dict[str, Figure]:
        """What was typed, for the indicators where anything was typed (empty rows are left out)."""
        typed: dict[str, Figure] = {}
        for indicator in ENTERED_INDICATORS:
            value = (self.cleaned_data.get(value_field(indicator.code)) or "").strip()
            source = (self.cleaned_data.get(source_field(indicator.code)) or "").strip()
            if (value or source) and not self.cleaned_data.get(clear_field(indicator.code)):
                typed[indicator.code] = Figure(value, source)
        return typed

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Place the service's messages: the missing-source one under the source, the rest under the value."""
        for code, messages in errors.items():
            if code not in {i.code for i in ENTERED_INDICATORS}:
                for message in messages:
                    self.add_error(None, message)
                continue
            for message in messages:
                if "lý do xoá" in message:
                    field = CLEAR_REASON
                elif "nguồn số liệu" in message:
                    field = source_field(code)
                else:
                    field = value_field(code)
                self.add_error(field, message)


class ReturnForm(PlainForm):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Nêu lý do trả lại.")},
    )


class LockForm(PlainForm):
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận khoá sổ: sau khi khoá, không ai sửa được số liệu của kỳ này."),
        error_messages={"required": _("Đánh dấu ô xác nhận trước khi khoá sổ.")},
    )
