"""Forms of the citizens' pages: the feedback form (with its honeypot and signed start time), the rating
form and the reopen form.

The forms only shape what was typed; :func:`nguon.feedback.services.intake.clean` validates the whole and
its ``ValidationError`` is put back on the fields by :func:`add_service_errors`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from nguon.feedback.selectors import public_pages
from nguon.feedback.services.intake import MAX_DESCRIPTION, MAX_FILES, MAX_TITLE, FeedbackInput

#: The signed start time of the form (``started``): salt and how long a form stays valid.
STAMP_SALT = "nguon.feedback.public-form"
STAMP_MAX_AGE = 24 * 3600
#: The honeypot: a field a person never sees (visually hidden, skipped by keyboard and screen readers).
HONEYPOT = "website"

#: Service error keys whose form field has another name.
SERVICE_FIELDS = {"files": "uploads"}

REQUIRED = {"required": _("Mục này bắt buộc.")}


def make_stamp(at: float | None = None) -> str:
    """The signed start time put in the form when it is shown."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=STAMP_SALT, compress=True)


def elapsed_since(stamp: str, *, now: float | None = None) -> float | None:
    """Seconds since the form was shown; None when the stamp is missing, forged or too old."""
    try:
        value = signing.loads(stamp or "", salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    started = value.get("t") if isinstance(value, dict) else None
    if not isinstance(started, int | float):
        return None
    elapsed = (time.time() if now is None else now) - float(started)
    return elapsed if -60 <= elapsed <= STAMP_MAX_AGE else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or recordings in one input (checked by content in the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*,audio/*"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise ValidationError(_("Gửi tối đa %(n)d tệp.") % {"n": MAX_FILES})
        return files


class FeedbackForm(forms.Form):
    """The public feedback form. Field names match the service's error keys."""

    category = forms.ChoiceField(
        label=_("Lĩnh vực"),
        error_messages={**REQUIRED, "invalid_choice": _("Chọn lĩnh vực phản ánh.")},
    )
    unit = forms.ChoiceField(
        label=_("Xã, phường nơi xảy ra sự việc"),
        error_messages={**REQUIRED, "invalid_choice": _("Chọn xã, phường nơi xảy ra sự việc.")},
    )
    residential_unit = forms.ChoiceField(
        label=_("Thôn, tổ dân phố (nếu biết)"),
        required=False,
        error_messages={"invalid_choice": _("Thôn, tổ dân phố không thuộc xã, phường đã chọn.")},
    )
    address = forms.CharField(
        label=_("Địa điểm cụ thể"),
        required=False,
        max_length=300,
        help_text=_("Ví dụ: đầu cầu Nà Mỵ, gần nhà văn hoá thôn."),
    )
    latitude = forms.CharField(label=_("Vĩ độ"), required=False, max_length=20)
    longitude = forms.CharField(label=_("Kinh độ"), required=False, max_length=20)
    title = forms.CharField(label=_("Tiêu đề (không bắt buộc)"), required=False, max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DESCRIPTION,
        error_messages={
            **REQUIRED,
            "max_length": _("Nội dung dài quá %(limit_value)d ký tự."),
        },
    )
    uploads = MultipleFileField(
        label=_("Ảnh, ghi âm (không bắt buộc)"),
        required=False,
        help_text=_("Tối đa %(n)d tệp ảnh hoặc âm thanh.") % {"n": MAX_FILES},
    )
    reporter_name = forms.CharField(label=_("Họ và tên"), required=False, max_length=200)
    reporter_phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.CharField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    wants_notification = forms.BooleanField(
        label=_("Báo kết quả cho tôi (qua thư điện tử nếu có)"), required=False, initial=True
    )
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("— chọn lĩnh vực —")),
            *public_pages.category_groups(),
        ]
        communes = public_pages.province_communes()
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("— chọn xã, phường —"))] + [
            (c.code, c.full_name) for c in communes
        ]
        commune_code = (self.data.get("unit") if self.is_bound else self.initial.get("unit")) or ""
        self.commune = public_pages.province_commune(str(commune_code)) if commune_code else None
        cast(forms.ChoiceField, self.fields["residential_unit"]).choices = [("", _("— không chọn —"))] + [
            (r.code, r.full_name) for r in public_pages.residential_units(self.commune)
        ]
        self.fields["latitude"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fields["longitude"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("started", make_stamp())

    def to_input(self, uploads: Sequence[Any]) -> FeedbackInput:
        """The service's input from the cleaned data (call after ``is_valid()``)."""
        data = self.cleaned_data
        commune = self.commune
        residential = (
            public_pages.residential_unit(commune, data["residential_unit"])
            if commune is not None and data.get("residential_unit")
            else None
        )
        return FeedbackInput(
            category=public_pages.active_category(data["category"]),
            description=data["description"],
            unit=commune,
            title=data.get("title", ""),
            residential_unit=residential,
            address=data.get("address", ""),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_email=data.get("reporter_email", ""),
            wants_notification=bool(data.get("wants_notification")),
            uploads=list(uploads),
        )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put the service's errors on the matching fields (the rest on the form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = SERVICE_FIELDS.get(key, key)
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức hài lòng"),
        coerce=int,
        choices=[
            (5, _("5 — Rất hài lòng")),
            (4, _("4 — Hài lòng")),
            (3, _("3 — Bình thường")),
            (2, _("2 — Chưa hài lòng")),
            (1, _("1 — Rất không hài lòng")),
        ],
        widget=forms.RadioSelect,
        error_messages={**REQUIRED, "invalid_choice": _("Chọn mức hài lòng từ 1 đến 5.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến thêm (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Vì sao bạn chưa hài lòng?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED,
    )
