"""Forms of the programme screens: when a programme airs (recurrence as plain choices), where, and its
running order (a formset of lines, numbered, with an upload per audio line)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, ClassVar, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.radio import recurrence
from nguon.radio.choices import ItemKind, TargetKind
from nguon.radio.models import Programme, RunningOrderItem

DAILY, WEEKLY, MONTHLY, DATES, ADVANCED = "daily", "weekly", "monthly", "dates", "advanced"
REPEAT_CHOICES = [
    (DAILY, _("Hằng ngày")),
    (WEEKLY, _("Các ngày trong tuần")),
    (MONTHLY, _("Hằng tháng vào ngày…")),
    (DATES, _("Các ngày được chọn")),
    (ADVANCED, _("Nâng cao (quy tắc RRULE)")),
]
WEEKDAY_CHOICES = [
    ("MO", _("Thứ Hai")),
    ("TU", _("Thứ Ba")),
    ("WE", _("Thứ Tư")),
    ("TH", _("Thứ Năm")),
    ("FR", _("Thứ Sáu")),
    ("SA", _("Thứ Bảy")),
    ("SU", _("Chủ Nhật")),
]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_dates(text: str) -> list[date]:
    """Dates written one after another ("01/12/2026, 2026-12-15 …"); ValueError names the bad one."""
    found: list[date] = []
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        for pattern in _DAY_FORMATS:
            try:
                found.append(datetime.strptime(token, pattern).date())  # noqa: DTZ007 - a plain date
                break
            except ValueError:
                continue
        else:
            raise ValueError(token)
    return sorted(set(found))


def format_dates(values: list[str]) -> str:
    return ", ".join(f"{date.fromisoformat(v):%d/%m/%Y}" for v in values)


class PlainForm(forms.Form):
    """A form whose labels are the bare Vietnamese words (no ":" suffix)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _dates_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "01/12/2026, 15/12/2026"}),
    )


class ProgrammeForm(PlainForm):
    """A programme's own fields; :meth:`recurrence_parts` turns the plain repeat choices into a rule."""

    title = forms.CharField(label=_("Tên chương trình"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), max_length=500, required=False)
    start_time = forms.TimeField(label=_("Giờ bắt đầu"), widget=_TIME)
    duration_minutes = forms.IntegerField(label=_("Thời lượng (phút)"), min_value=1, max_value=24 * 60)
    repeat = forms.ChoiceField(label=_("Lặp lại"), choices=REPEAT_CHOICES, widget=forms.RadioSelect)
    weekdays = forms.MultipleChoiceField(
        label=_("Các ngày trong tuần"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    month_day = forms.IntegerField(label=_("Ngày trong tháng"), min_value=1, max_value=31, required=False)
    dates = _dates_field(_("Các ngày phát"), _("Ghi ngày dạng ngày/tháng/năm, cách nhau bằng dấu phẩy."))
    rrule = forms.CharField(
        label=_("Quy tắc lặp (RRULE)"),
        max_length=300,
        required=False,
        help_text=_("Theo RFC 5545, ví dụ FREQ=WEEKLY;INTERVAL=2;BYDAY=MO."),
    )
    starts_on = forms.DateField(label=_("Từ ngày"), widget=_DATE)
    ends_on = forms.DateField(label=_("Đến ngày"), required=False, widget=_DATE)
    exdates = _dates_field(
        _("Các ngày bỏ qua"), _("Những ngày không phát (ngày lễ…), cách nhau bằng dấu phẩy.")
    )
    target_kind = forms.ChoiceField(label=_("Phát tới"), choices=TargetKind.choices, widget=forms.RadioSelect)
    residential_units = forms.MultipleChoiceField(
        label=_("Thôn, tổ dân phố"), required=False, widget=forms.CheckboxSelectMultiple
    )
    device_groups = forms.TypedMultipleChoiceField(
        label=_("Nhóm thiết bị"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    volume = forms.IntegerField(
        label=_("Âm lượng (0–100)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Để trống: giữ âm lượng của từng cụm loa."),
    )

    #: Errors of the service, by its field name, shown next to these form fields.
    SERVICE_FIELDS: ClassVar[dict[str, str]] = {
        "residential_codes": "residential_units",
        "group_ids": "device_groups",
    }

    def __init__(
        self,
        *args: Any,
        residential: list[tuple[str, str]],
        groups: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residential_units"].choices = residential  # type: ignore[attr-defined]
        self.fields["device_groups"].choices = groups  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeat = data.get("repeat")
        if repeat == WEEKLY and not data.get("weekdays"):
            self.add_error("weekdays", _("Chọn ít nhất một ngày trong tuần."))
        if repeat == MONTHLY and not data.get("month_day"):
            self.add_error("month_day", _("Nhập ngày trong tháng (1–31)."))
        if repeat == ADVANCED and not (data.get("rrule") or "").strip():
            self.add_error("rrule", _("Nhập quy tắc lặp, ví dụ FREQ=WEEKLY;BYDAY=MO,FR."))
        for name in ("dates", "exdates"):
            try:
                data[f"{name}_list"] = parse_dates(data.get(name) or "")
            except ValueError as error:
                self.add_error(name, _("Không hiểu ngày «%(day)s»; ghi dạng 31/12/2026.") % {"day": error})
        if repeat == DATES and not data.get("dates_list") and "dates" not in self.errors:
            self.add_error("dates", _("Nhập ít nhất một ngày phát."))
        return data

    def recurrence_parts(self) -> tuple[str, list[date]]:
        """(RRULE, chosen dates) from the repeat choice; call after ``is_valid``."""
        data = self.cleaned_data
        repeat = data["repeat"]
        if repeat == DAILY:
            return "FREQ=DAILY", []
        if repeat == WEEKLY:
            return recurrence.weekly_rule(data["weekdays"]), []
        if repeat == MONTHLY:
            return f"FREQ=MONTHLY;BYMONTHDAY={data['month_day']}", []
        if repeat == DATES:
            return "", list(data["dates_list"])
        return data["rrule"], list(data["dates_list"])

    def show_service_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Put a service ValidationError next to the fields; returns the messages meant for the running order."""
        left: list[str] = []
        for name, messages in errors.items():
            field = self.SERVICE_FIELDS.get(name, name)
            if name == "items":
                left.extend(messages)
                continue
            if name == "rrule" and self.cleaned_data.get("repeat") != ADVANCED:
                field = "repeat"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return left


def programme_initial(programme: Programme) -> dict[str, Any]:
    """The form's initial values for an existing programme (its rule read back into the plain choices)."""
    initial: dict[str, Any] = {
        "title": programme.title,
        "description": programme.description,
        "start_time": programme.start_time,
        "duration_minutes": programme.duration_minutes,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "exdates": format_dates(programme.exdates),
        "target_kind": programme.target_kind,
        "residential_units": [u.code for u in programme.residential_units.all()],
        "device_groups": [g.pk for g in programme.device_groups.all()],
        "volume": programme.volume,
        "rrule": programme.rrule,
        "dates": format_dates(programme.rdates),
    }
    rule = programme.rrule
    weekly = re.fullmatch(r"FREQ=WEEKLY;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)", rule)
    monthly = re.fullmatch(r"FREQ=MONTHLY;BYMONTHDAY=(\d{1,2})", rule)
    if rule == "FREQ=DAILY" and not programme.rdates:
        initial["repeat"] = DAILY
    elif weekly and not programme.rdates:
        initial["repeat"], initial["weekdays"] = WEEKLY, weekly.group(1).split(",")
    elif monthly and not programme.rdates:
        initial["repeat"], initial["month_day"] = MONTHLY, int(monthly.group(1))
    elif not rule:
        initial["repeat"] = DATES
    else:
        initial["repeat"] = ADVANCED
    return initial


class ItemForm(PlainForm):
    """One line of a running order. Blank rows are ignored; what each kind needs is checked here, whether
    it may air (approved bulletin with audio, readable audio file, safe relay address) by the service."""

    kind = forms.ChoiceField(label=_("Loại"), required=False)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300, required=False)
    bulletin = forms.TypedChoiceField(label=_("Bản tin"), required=False, coerce=int, empty_value=None)
    audio = forms.FileField(label=_("Tệp âm thanh"), required=False)
    blob = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    stream_url = forms.CharField(label=_("Địa chỉ tiếp sóng"), max_length=500, required=False)
    minutes = forms.IntegerField(label=_("Số phút tiếp sóng"), min_value=1, max_value=24 * 60, required=False)
    seconds = forms.IntegerField(label=_("Số giây lặng"), min_value=1, max_value=3600, required=False)

    def __init__(self, *args: Any, bulletins: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— chọn loại —")), *ItemKind.choices]  # type: ignore[attr-defined]
        self.fields["bulletin"].choices = [("", _("— chọn bản tin —")), *bulletins]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            filled = [
                n for n in ("title", "bulletin", "audio", "stream_url", "minutes", "seconds") if data.get(n)
            ]
            if filled:
                self.add_error("kind", _("Chọn loại mục."))
            return data
        if kind == ItemKind.BULLETIN and not data.get("bulletin"):
            self.add_error("bulletin", _("Chọn bản tin cần phát."))
        elif kind in (ItemKind.AUDIO, ItemKind.JINGLE) and not data.get("audio") and not data.get("blob"):
            self.add_error("audio", _("Chọn tệp âm thanh để tải lên."))
        elif kind == ItemKind.RELAY:
            if not (data.get("stream_url") or "").strip():
                self.add_error("stream_url", _("Nhập địa chỉ luồng cần tiếp sóng (http(s)://…)."))
            if not data.get("minutes"):
                self.add_error("minutes", _("Nhập số phút tiếp sóng."))
        elif kind == ItemKind.SILENCE and not data.get("seconds"):
            self.add_error("seconds", _("Nhập số giây của khoảng lặng."))
        return data


class BaseItemFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, bulletins: list[tuple[int, str]], **kwargs: Any) -> None:
        self.bulletins = bulletins
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "bulletins": self.bulletins}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Thứ tự")
        form.fields["ORDER"].widget.attrs.update({"class": "order", "min": "1"})
        form.fields["DELETE"].label = _("Bỏ mục này")

    def display_forms(self) -> list[forms.Form]:
        """The rows in the order of their position numbers as typed (so a refused form shows them as chosen)."""

        def position(pair: tuple[int, forms.Form]) -> tuple[int, int, int]:
            index, form = pair
            try:
                return (0, int(form["ORDER"].value()), index)
            except (TypeError, ValueError):
                return (1, 0, index)

        return [form for _, form in sorted(enumerate(self.forms), key=position)]


_ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=1, can_order=True, can_delete=True, max_num=50
)


def item_formset(*args: Any, bulletins: list[tuple[int, str]], **kwargs: Any) -> BaseItemFormSet:
    """The running-order formset (prefix ``items``) offering ``bulletins`` as (id, title)."""
    options = {**kwargs, "prefix": "items", "bulletins": bulletins}
    return cast(BaseItemFormSet, _ItemFormSet(*args, **options))


def items_initial(items: list[RunningOrderItem]) -> list[dict[str, Any]]:
    """Formset rows for existing running-order lines."""
    rows = []
    for position, item in enumerate(items, start=1):
        row: dict[str, Any] = {"kind": item.kind, "title": item.title, "ORDER": position}
        if item.kind == ItemKind.BULLETIN:
            row["bulletin"] = item.bulletin_id
        elif item.blob is not None:
            row["blob"] = item.blob.sha256
        if item.kind == ItemKind.RELAY:
            row["stream_url"] = item.stream_url
            row["minutes"] = max(1, (item.duration_seconds or 60) // 60)
        if item.kind == ItemKind.SILENCE:
            row["seconds"] = item.duration_seconds
        rows.append(row)
    return rows


class OccurrenceForm(PlainForm):
    """Just this day: its time and length (its running order is the formset beside it)."""

    start_time = forms.TimeField(label=_("Giờ bắt đầu"), widget=_TIME)
    duration_minutes = forms.IntegerField(label=_("Thời lượng (phút)"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class CancelForm(PlainForm):
    note = forms.CharField(label=_("Lý do, ghi chú"), max_length=300, required=False)
