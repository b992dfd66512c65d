"""Radio screens: emergency orders (list, the order form with its TOTP confirm step, approve / reject /
stop, the live progress page) and, from ``views/playnow.py``, play-now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.content.files import RejectedFileError
from nguon.content.models import MediaBlob
from nguon.content.services.attachments import stored_blob
from nguon.core import access
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import EmergencyOrder
from nguon.radio.selectors.emergencies import (
    audio_choices,
    get_audio,
    get_order,
    issuer_units,
    list_orders,
    target_choices,
)
from nguon.radio.selectors.progress import order_progress
from nguon.radio.services.emergencies import (
    approve_emergency,
    clean_targets,
    needs_second_approver,
    reject_emergency,
    request_emergency,
    stop_order,
    target_devices,
)
from nguon.radio.views import playnow
from nguon.radio.views.emergency_forms import (
    TARGET_COMMUNES,
    TARGET_RESIDENTIAL,
    ConfirmForm,
    EmergencyForm,
    RejectForm,
    TotpForm,
    set_choices,
)
from nguon.units.models import AdministrativeUnit

SESSION_UPLOADS = "radio_uploads"
AUDIO_KINDS = frozenset({"audio"})


def error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(str(m) for values in error.message_dict.values() for m in values)
    return " ".join(str(m) for m in error.messages)


# -- audio shared with play-now ----------------------------------------------------------------------------
def remember_upload(request: HttpRequest, blob: MediaBlob) -> None:
    """The person just uploaded ``blob``: they may use it on the next step (kept in their session)."""
    known = [s for s in request.session.get(SESSION_UPLOADS, []) if s != blob.sha256]
    request.session[SESSION_UPLOADS] = [blob.sha256, *known][:20]


def allowed_audio(request: HttpRequest, sha256: str) -> MediaBlob | None:
    if sha256 in request.session.get(SESSION_UPLOADS, []):
        return MediaBlob.objects.filter(sha256=sha256, kind="audio").first()
    return get_audio(user=request.user, sha256=sha256)


def chosen_audio(request: HttpRequest, data: dict[str, Any]) -> MediaBlob:
    """The uploaded file (stored once per content, checked by its bytes) or the chosen one."""
    upload = data.get("upload")
    if upload:
        try:
            with transaction.atomic(), stored_blob(upload, allowed_kinds=AUDIO_KINDS) as blob:
                pass
        except RejectedFileError as error:
            raise ValidationError({"upload": error.message}) from None
        remember_upload(request, blob)
        return blob
    chosen = allowed_audio(request, str(data.get("audio") or ""))
    if chosen is None:
        raise ValidationError({"audio": _("Không tìm thấy tệp âm thanh đã chọn.")})
    return chosen


def audio_options(request: HttpRequest) -> list[tuple[str, str]]:
    options = [("", _("— chọn tệp —"))]
    uploads = MediaBlob.objects.filter(sha256__in=request.session.get(SESSION_UPLOADS, []), kind="audio")
    for blob in uploads:
        options.append((blob.sha256, _("Tệp vừa tải lên (%(size)s byte)") % {"size": blob.size}))
    for entry in audio_choices(user=request.user):
        options.append((entry["blob"].sha256, entry["name"]))
    return list(dict(options).items())


# -- list, order form, confirm ----------------------------------------------------------------------------
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = list_orders(user=request.user)[:200]
    return render(
        request,
        "radio/emergencies/list.html",
        {"orders": orders, "can_order": bool(issuer_units(user=request.user))},
    )


def _issuer(request: HttpRequest, issuers: list[AdministrativeUnit], raw: Any) -> AdministrativeUnit:
    for unit in issuers:
        if str(unit.pk) == str(raw):
            return unit
    return issuers[0]


def _target_units(form: EmergencyForm, issuer: AdministrativeUnit) -> list[AdministrativeUnit]:
    data = form.cleaned_data
    if data["target"] == TARGET_COMMUNES:
        ids = data["communes"]
    elif data["target"] == TARGET_RESIDENTIAL:
        ids = data["residential"]
    else:
        return [issuer]
    return list(AdministrativeUnit.objects.filter(pk__in=[int(i) for i in ids]).order_by("path"))


def _confirm_context(
    *, issuer: AdministrativeUnit, units: list[AdministrativeUnit], blob: MediaBlob, data: dict[str, Any]
) -> dict[str, Any]:
    targets = clean_targets(issuer_unit=issuer, units=units)
    devices = target_devices(targets)
    if not devices:
        raise ValidationError({"units": _("Địa bàn đã chọn không có cụm loa nào đang hoạt động.")})
    confirm = data.get("confirm_form") or ConfirmForm(
        initial={
            "issuer": issuer.pk,
            "title": data["title"],
            "message": data.get("message", ""),
            "repeat": data["repeat"],
            "audio": blob.sha256,
            "units": ",".join(str(u.pk) for u in targets),
        }
    )
    return {
        "issuer": issuer,
        "units": targets,
        "blob": blob,
        "title": data["title"],
        "message": data.get("message", ""),
        "repeat": data["repeat"],
        "clusters": len(devices),
        "communes": len({d.unit_id for d in devices}),
        "second_approver": needs_second_approver(issuer),
        "form": confirm,
    }


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    issuers = issuer_units(user=request.user)
    if not issuers:
        raise Http404
    issuer = _issuer(request, issuers, request.POST.get("issuer") or request.GET.get("issuer"))
    form = EmergencyForm(request.POST or None, request.FILES or None, initial={"issuer": issuer.pk})
    choices = target_choices(issuer=issuer)
    set_choices(form, "issuer", [(u.pk, u.full_name) for u in issuers])
    set_choices(
        form,
        "communes",
        [(c["unit"].pk, f"{c['unit'].full_name} ({c['clusters']})") for c in choices["communes"]],
    )
    set_choices(
        form,
        "residential",
        [(r["unit"].pk, f"{r['unit'].full_name} ({r['clusters']})") for r in choices["residential"]],
    )
    set_choices(form, "audio", audio_options(request))
    if request.method == "POST" and form.is_valid():
        try:
            blob = chosen_audio(request, form.cleaned_data)
            context = _confirm_context(
                issuer=issuer, units=_target_units(form, issuer), blob=blob, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            return render(request, "radio/emergencies/confirm.html", context)
    return render(
        request,
        "radio/emergencies/form.html",
        {"form": form, "issuer": issuer, "issuers": issuers, "choices": choices},
    )


@login_required
@require_POST
def order_confirm(request: HttpRequest) -> HttpResponse:
    issuers = issuer_units(user=request.user)
    if not issuers:
        raise Http404
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thông tin lệnh không đầy đủ; hãy lập lại lệnh."))
        return redirect("radio:emergency-new")
    data = form.cleaned_data
    issuer = _issuer(request, issuers, data["issuer"])
    blob = allowed_audio(request, data["audio"])
    if blob is None:
        raise Http404
    units = list(AdministrativeUnit.objects.filter(pk__in=form.unit_ids()).order_by("path"))
    try:
        order = request_emergency(
            actor=request.user,
            issuer_unit=issuer,
            units=units,
            blob=blob,
            title=data["title"],
            message=data["message"],
            repeat=data["repeat"],
            totp_code=data["totp_code"] or "",
        )
    except ValidationError as error:
        retry = ConfirmForm(initial={**data, "totp_code": "", "units": ",".join(str(u.pk) for u in units)})
        context = _confirm_context(
            issuer=issuer, units=units, blob=blob, data={**data, "confirm_form": retry}
        )
        context["error"] = error_text(error)
        return render(request, "radio/emergencies/confirm.html", context, status=422)
    if order.status == EmergencyStatus.ON_AIR:
        messages.success(request, _("Lệnh phát khẩn cấp đang được phát."))
    else:
        messages.info(request, _("Lệnh đã được ghi và đang chờ người thứ hai phê duyệt."))
    return redirect("radio:emergency-detail", pk=order.pk)


# -- one order ---------------------------------------------------------------------------------------------
def _may_approve(request: HttpRequest, order: EmergencyOrder) -> bool:
    if order.status != EmergencyStatus.AWAITING_APPROVAL:
        return False
    same = order.requested_by_id is not None and order.requested_by_id == request.user.pk
    return not (same and needs_second_approver(order.issuer_unit))


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order(user=request.user, pk=pk)
    return render(
        request,
        "radio/emergencies/detail.html",
        {
            "order": order,
            "units": order.units.order_by("path"),
            "progress": order_progress(order),
            "may_approve": _may_approve(request, order),
            "totp_form": TotpForm(),
            "reject_form": RejectForm(),
            "cap_messages": order.cap_messages.order_by("sent"),
        },
    )


@login_required
def order_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    order = get_order(user=request.user, pk=pk)
    return JsonResponse({"status": order.status, **order_progress(order).as_dict()})


@login_required
@require_POST
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order(user=request.user, pk=pk)
    form = TotpForm(request.POST)
    code = form.cleaned_data["totp_code"] if form.is_valid() else ""
    try:
        approve_emergency(actor=request.user, order=order, totp_code=code)
    except ValidationError as error:
        messages.error(request, _("Chưa phê duyệt được: %(error)s") % {"error": error_text(error)})
    else:
        messages.success(request, _("Đã phê duyệt; lệnh phát khẩn cấp đang được phát."))
    return redirect("radio:emergency-detail", pk=order.pk)


@login_required
@require_POST
def order_reject(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    try:
        reject_emergency(actor=request.user, order=order, reason=form.data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _("Chưa từ chối được: %(error)s") % {"error": error_text(error)})
    else:
        messages.success(request, _("Đã từ chối lệnh."))
    return redirect("radio:emergency-detail", pk=order.pk)


@login_required
@require_POST
def order_stop(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order(user=request.user, pk=pk)
    if not access.can(request.user, access.BROADCAST_EMERGENCY, unit=order.issuer_unit):
        raise Http404
    stop_order(actor=request.user, order=order)
    messages.success(request, _("Đã dừng phát khẩn cấp; các cụm loa trở lại lịch phát."))
    return redirect("radio:emergency-detail", pk=order.pk)


urlpatterns: list[URLPattern] = [
    path("emergencies/", order_list, name="emergency-list"),
    path("emergencies/new/", order_new, name="emergency-new"),
    path("emergencies/new/confirm/", order_confirm, name="emergency-confirm"),
    path("emergencies/<int:pk>/", order_detail, name="emergency-detail"),
    path("emergencies/<int:pk>/progress.json", order_progress_json, name="emergency-progress"),
    path("emergencies/<int:pk>/approve/", order_approve, name="emergency-approve"),
    path("emergencies/<int:pk>/reject/", order_reject, name="emergency-reject"),
    path("emergencies/<int:pk>/stop/", order_stop, name="emergency-stop"),
    *playnow.urlpatterns,
]
