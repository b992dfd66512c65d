"""Forms of the campaign screens: the campaign editor, a target's report, a document upload.

The forms only shape what a person typed and offer the targets the issuer may choose; the services
validate the whole again and their ``ValidationError`` is put back on the fields by :func:`show_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nguon.content.choices import CampaignChannel
from nguon.content.models import Campaign
from nguon.content.selectors.campaigns import IssuerPlace, list_target_organisations, list_target_units
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

Choices = list[tuple[Any, Any]]


def target_choices(place: IssuerPlace) -> Choices:
    """Grouped choices: the units directly under the issuer, then the organisations of its area."""
    groups: Choices = []
    units = [(f"u{u.pk}", u.full_name) for u in list_target_units(place=place.unit)]
    if units:
        label = _("Xã, phường") if place.unit.level == UnitLevel.PROVINCE else _("Thôn, tổ dân phố")
        groups.append((label, units))
    organisations = [
        (f"o{o.pk}", o.name) for o in list_target_organisations(place=place.unit, exclude=place.organisation)
    ]
    if organisations:
        groups.append((_("Cơ quan, tổ chức"), organisations))
    return groups


def target_keys(campaign: Campaign) -> list[str]:
    """The form values of a campaign's current targets."""
    return [
        f"o{t.organisation_id}" if t.organisation_id is not None else f"u{t.unit_id}"
        for t in campaign.targets.all()
    ]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Tên chiến dịch"), max_length=300)
    reference = forms.CharField(
        label=_("Số, ký hiệu văn bản"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: Quyết định 614/QĐ-UBND"),
    )
    directive = forms.CharField(
        label=_("Nội dung chỉ đạo"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Yêu cầu đối với các đơn vị: nội dung cần tuyên truyền, cách làm, cách báo cáo."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Hình thức tuyên truyền"),
        choices=CampaignChannel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Hạn báo cáo"), widget=_DATE)
    targets = forms.MultipleChoiceField(
        label=_("Đơn vị thực hiện"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cần chọn ít nhất một đơn vị thực hiện.")},
    )

    def __init__(self, *args: Any, place: IssuerPlace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["targets"].choices = target_choices(place)  # type: ignore[attr-defined]

    def chosen_targets(self) -> list[AdministrativeUnit | Organisation]:
        """The units and organisations picked (already limited to the offered choices)."""
        values: list[str] = self.cleaned_data["targets"]
        unit_ids = [int(v[1:]) for v in values if v.startswith("u")]
        org_ids = [int(v[1:]) for v in values if v.startswith("o")]
        chosen: list[AdministrativeUnit | Organisation] = list(
            AdministrativeUnit.objects.filter(pk__in=unit_ids).order_by("path")
        )
        chosen += list(Organisation.objects.select_related("unit").filter(pk__in=org_ids).order_by("name"))
        return chosen

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "reference": data["reference"],
            "directive": data["directive"],
            "channels": list(data["channels"]),
            "deadline": data["deadline"],
            "targets": self.chosen_targets(),
        }


class ReportForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức đã thực hiện"), choices=CampaignChannel.choices)
    done_on = forms.DateField(label=_("Ngày thực hiện"), widget=_DATE)
    audience = forms.IntegerField(
        label=_("Số người được tiếp cận (ước tính)"), required=False, min_value=0, max_value=100_000_000
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_(
            "Ảnh, ghi âm, video hoặc văn bản (PDF, DOCX). Hệ thống kiểm tra nội dung tệp, không theo đuôi tên."
        ),
    )
    evidence_link = forms.URLField(
        label=_("Hoặc liên kết minh chứng"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Ví dụ: bài đăng trên trang thông tin điện tử hoặc nhóm Zalo."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp tài liệu"),
        help_text=_("Văn bản (PDF, DOCX), âm thanh (MP3, WAV, OGG, M4A) hoặc hình ảnh."),
    )


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
