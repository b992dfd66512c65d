"""Forms of the bulletin screens: the editor, workflow steps and uploads.

The forms only shape what a person typed; the services validate it as a whole (``BulletinInput``) and
their ``ValidationError`` is put back on the fields by :func:`add_service_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nguon.content.choices import Channel, Language, Priority, TargetScope
from nguon.content.models import Bulletin, Category
from nguon.content.services.bulletins import BulletinInput
from nguon.core import access
from nguon.speech.models import Voice
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Place:
    """Where a new bulletin can be written: one of the person's writing grants."""

    key: str  # "org:<id>" or "unit:<id>"
    label: str
    unit: AdministrativeUnit | None = None
    organisation: Organisation | None = None

    @property
    def area(self) -> AdministrativeUnit:
        """The unit whose communes and residential units the bulletin may target."""
        if self.organisation is not None:
            org_unit = self.organisation.unit
            if org_unit.level == UnitLevel.COMMUNE:
                return org_unit
            return AdministrativeUnit.objects.get(path=access.path_prefixes(org_unit.path)[0])
        assert self.unit is not None
        return self.unit


def writable_places(user: Any) -> list[Place]:
    """Each place ``user`` may write bulletins for (an organisation, a province or a commune)."""
    places: dict[str, Place] = {}
    for grant in access.grants_for(user, access.CONTENT_WRITE):
        if grant.organisation_id is not None:
            org = Organisation.objects.select_related("unit").filter(pk=grant.organisation_id).first()
            if org is not None and org.is_active:
                places.setdefault(f"org:{org.pk}", Place(f"org:{org.pk}", org.name, organisation=org))
            continue
        path = grant.unit_path or f"{settings.NGUON_PROVINCE_CODE}/"
        unit = AdministrativeUnit.objects.filter(
            path=path, is_current=True, level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE]
        ).first()
        if unit is not None:
            places.setdefault(f"unit:{unit.pk}", Place(f"unit:{unit.pk}", unit.full_name, unit=unit))
    return list(places.values())


def target_choices(areas: list[AdministrativeUnit]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the target select: the communes, then each commune's residential units."""
    communes: dict[int, AdministrativeUnit] = {}
    for area in areas:
        if area.level == UnitLevel.COMMUNE:
            communes[area.pk] = area
        else:
            for commune in AdministrativeUnit.objects.filter(
                path__startswith=area.path, level=UnitLevel.COMMUNE, is_current=True
            ).order_by("name"):
                communes[commune.pk] = commune
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if communes:
        groups.append(
            (str(_("Xã, phường")), [(str(c.pk), c.full_name) for c in communes.values()]),
        )
    residential = (
        AdministrativeUnit.objects.filter(
            parent__in=list(communes.values()), level=UnitLevel.RESIDENTIAL, is_current=True
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    by_commune: dict[str, list[tuple[str, str]]] = {}
    for unit in residential:
        label = unit.parent.full_name if unit.parent is not None else ""
        by_commune.setdefault(label, []).append((str(unit.pk), unit.full_name))
    groups.extend(by_commune.items())
    return groups


class BulletinForm(forms.Form):
    """The bulletin editor; ``place`` is offered only when a new bulletin could go to several places."""

    place = forms.ChoiceField(label=_("Soạn cho"), required=False)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    summary = forms.CharField(
        label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 14, "data-rich-text": "1"}),
        help_text=_("Chỉ giữ định dạng cơ bản (đậm, nghiêng, danh sách, tiêu đề mục, liên kết)."),
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=Category.objects.filter(is_active=True), empty_label=_("— Chọn —")
    )
    language = forms.ChoiceField(label=_("Ngôn ngữ"), choices=Language.choices, initial=Language.VI)
    priority = forms.ChoiceField(label=_("Mức ưu tiên"), choices=Priority.choices, initial=Priority.NORMAL)
    target_scope = forms.ChoiceField(
        label=_("Phạm vi gửi"), choices=TargetScope.choices, initial=TargetScope.COMMUNES
    )
    targets = forms.MultipleChoiceField(
        label=_("Đơn vị nhận tin"),
        required=False,
        widget=forms.SelectMultiple(
            attrs={
                "size": 10,
                "data-searchable": "1",
                "data-filter-label": _("Gõ để tìm xã, phường, thôn, tổ dân phố"),
                "data-selected-label": _("Đã chọn:"),
            }
        ),
        help_text=_("Giữ Ctrl (hoặc ⌘) để chọn nhiều. Bỏ trống khi gửi toàn tỉnh."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Kênh"),
        required=False,
        choices=Channel.choices,
        initial=[Channel.RADIO],
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateTimeField(
        label=_("Hiệu lực từ"),
        required=False,
        input_formats=[_DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL),
    )
    valid_until = forms.DateTimeField(
        label=_("Hết hiệu lực"),
        required=False,
        input_formats=[_DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL),
    )
    voice = forms.ModelChoiceField(
        label=_("Giọng đọc"),
        queryset=Voice.objects.filter(is_active=True),
        required=False,
        empty_label=_("— Không tạo âm thanh —"),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        places: list[Place],
        bulletin: Bulletin | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        if bulletin is not None and data is None:
            kwargs.setdefault("initial", initial_for(bulletin))
        super().__init__(data, **kwargs)
        self.places = {p.key: p for p in places}
        self.bulletin = bulletin
        place_field = self.fields["place"]
        assert isinstance(place_field, forms.ChoiceField)
        if bulletin is not None or len(places) <= 1:
            del self.fields["place"]
        else:
            place_field.choices = [(p.key, p.label) for p in places]
            place_field.required = True
        areas = [bulletin.unit] if bulletin is not None else [p.area for p in places]
        targets = self.fields["targets"]
        assert isinstance(targets, forms.MultipleChoiceField)
        targets.choices = target_choices(areas)

    @property
    def chosen_place(self) -> Place | None:
        if self.bulletin is not None:
            return None
        if "place" in self.fields:
            return self.places.get(self.cleaned_data.get("place") or "")
        return next(iter(self.places.values()), None)

    def clean_targets(self) -> list[AdministrativeUnit]:
        ids = [int(pk) for pk in self.cleaned_data.get("targets") or []]
        found = AdministrativeUnit.objects.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def to_input(self) -> BulletinInput:
        data = self.cleaned_data
        return BulletinInput(
            title=data["title"],
            category=data.get("category"),
            body=data.get("body") or "",
            summary=data.get("summary") or "",
            language=data["language"],
            priority=data["priority"],
            target_scope=data["target_scope"],
            targets=data.get("targets") or [],
            channels=list(data.get("channels") or []),
            valid_from=_utc(data.get("valid_from")),
            valid_until=_utc(data.get("valid_until")),
            voice=data.get("voice"),
        )


def _utc(value: datetime | None) -> datetime | None:
    """The instant in UTC, as the database returns it: a revision then records the same text for the
    same instant whether the bulletin was just typed in (Asia/Ho_Chi_Minh) or loaded, so an unchanged
    edit makes no new revision and a diff shows no false change."""
    return value.astimezone(UTC) if value is not None else None


def initial_for(bulletin: Bulletin) -> dict[str, Any]:
    return {
        "title": bulletin.title,
        "summary": bulletin.summary,
        "body": bulletin.body,
        "category": bulletin.category_id,
        "language": bulletin.language,
        "priority": bulletin.priority,
        "target_scope": bulletin.target_scope,
        "targets": [str(pk) for pk in bulletin.targets.values_list("pk", flat=True)],
        "channels": list(bulletin.channels),
        "valid_from": bulletin.valid_from,
        "valid_until": bulletin.valid_until,
        "voice": bulletin.voice_id,
    }


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


STEP_CHOICES = (
    ("submit", _("Gửi duyệt")),
    ("appraise", _("Thẩm định đạt")),
    ("return", _("Trả lại để sửa")),
    ("approve", _("Phê duyệt và phát hành")),
    ("withdraw", _("Thu hồi")),
    ("correct", _("Đính chính")),
)


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=STEP_CHOICES)
    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=2_000)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp cần tải lên"),
        help_text=_(
            "Âm thanh MP3, WAV, OGG, M4A; video MP4, WebM; ảnh; PDF, DOCX. Kiểm tra theo nội dung tệp."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
