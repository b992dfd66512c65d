"""Radio screens: live broadcasts (phát trực tiếp). ``/radio/live/`` lists the sessions and starts one;
``/radio/live/<id>/`` is the control room: the microphone (live.js), the encoder settings, on air, end."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nguon.core.crypto import UnreadableSecretError
from nguon.devices.models import DeviceGroup
from nguon.radio.choices import LiveKind, LiveStatus
from nguon.radio.selectors.emergencies import device_groups
from nguon.radio.selectors.live import encoder_settings, get_session, list_sessions, live_communes
from nguon.radio.services.live import end_live, go_on_air, start_live
from nguon.radio.views.emergency_forms import set_choices
from nguon.units.selectors import list_residential_units


class LiveForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Xã/phường"))
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=300)
    kind = forms.ChoiceField(
        label=gettext_lazy("Nguồn phát"),
        choices=LiveKind.choices,
        widget=forms.RadioSelect,
        initial="microphone",
    )
    residential = forms.MultipleChoiceField(
        label=gettext_lazy("Chỉ các thôn, tổ dân phố (để trống: toàn xã/phường)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ChoiceField(label=gettext_lazy("Hoặc một nhóm thiết bị"), required=False)


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(str(m) for values in error.message_dict.values() for m in values)
    return " ".join(str(m) for m in error.messages)


@login_required
def live_list(request: HttpRequest) -> HttpResponse:
    communes = live_communes(user=request.user)
    if not communes:
        raise Http404
    raw = request.POST.get("unit") or request.GET.get("unit")
    unit = next((c for c in communes if str(c.pk) == str(raw)), communes[0])
    form = LiveForm(request.POST or None, initial={"unit": unit.pk})
    residential = list(list_residential_units(commune=unit))
    groups = list(device_groups(user=request.user, unit=unit))
    set_choices(form, "unit", [(c.pk, c.full_name) for c in communes])
    set_choices(form, "residential", [(r.pk, r.full_name) for r in residential])
    set_choices(form, "group", [("", _("— không chọn —")), *[(g.pk, g.name) for g in groups]])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [r for r in residential if str(r.pk) in set(data["residential"])]
        group: DeviceGroup | None = next((g for g in groups if str(g.pk) == data.get("group")), None)
        try:
            session = start_live(
                actor=request.user,
                unit=unit,
                title=data["title"],
                kind=data["kind"],
                residential_units=chosen or None,
                group=group,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            return redirect("radio:live-detail", session_id=session.pk)
    sessions = list(list_sessions(user=request.user)[:50])
    return render(request, "radio/live/list.html", {"form": form, "unit": unit, "sessions": sessions})


@login_required
def live_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session(user=request.user, pk=session_id)
    encoder = None
    if session.status != LiveStatus.ENDED:
        try:
            encoder = encoder_settings(session)
        except UnreadableSecretError:  # NGUON_SECRET_KEY changed since the session started
            messages.error(
                request, _("Không đọc được mật khẩu của buổi phát này; hãy kết thúc và tạo buổi mới.")
            )
    context = {
        "session": session,
        "encoder": encoder,
        "devices": list(session.devices.select_related("unit").order_by("device_id")),
    }
    return render(request, "radio/live/detail.html", context)


@login_required
@require_POST
def live_on_air(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session(user=request.user, pk=session_id)
    try:
        go_on_air(actor=request.user, session=session, check_signal=not request.POST.get("force"))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã lên sóng: các cụm loa chuyển sang buổi phát trực tiếp."))
    return redirect("radio:live-detail", session_id=session.pk)


@login_required
@require_POST
def live_end(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session(user=request.user, pk=session_id)
    end_live(actor=request.user, session=session)
    messages.success(request, _("Đã kết thúc buổi phát trực tiếp; các cụm loa trở lại lịch phát."))
    return redirect("radio:live-detail", session_id=session.pk)


urlpatterns: list[URLPattern] = [
    path("live/", live_list, name="live-list"),
    path("live/<int:session_id>/", live_detail, name="live-detail"),
    path("live/<int:session_id>/on-air", live_on_air, name="live-on-air"),
    path("live/<int:session_id>/end", live_end, name="live-end"),
]
