"""Screens: remote volume, power and reboot from a device's page — signed commands sent through the
command service (which checks ``devices.manage``); the outcome is told in a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.core import access
from nguon.devices.choices import CommandType
from nguon.devices.forms import PowerForm, RebootForm, VolumeForm
from nguon.devices.selectors.registry import get_device
from nguon.devices.services.commands import send_command

#: command -> (its form, the command body built from the cleaned data)
COMMANDS: dict[str, type[forms.Form]] = {
    CommandType.VOLUME: VolumeForm,
    CommandType.POWER: PowerForm,
    CommandType.REBOOT: RebootForm,
}


def command_body(command: str, data: dict[str, Any]) -> dict[str, Any]:
    if command == CommandType.VOLUME:
        return {"level": data["level"]}
    if command == CommandType.POWER:
        return {"state": data["state"]}
    return {"delay_s": data["delay_s"]} if data.get("delay_s") else {}


def success_message(command: str, data: dict[str, Any], seq: int) -> str:
    if command == CommandType.VOLUME:
        text = _("Đã gửi lệnh đặt âm lượng %(level)d.") % {"level": data["level"]}
    elif command == CommandType.POWER:
        text = _("Đã gửi lệnh bật thiết bị.") if data["state"] == "on" else _("Đã gửi lệnh tắt thiết bị.")
    else:
        text = _("Đã gửi lệnh khởi động lại.")
    return f"{text} " + _("Lệnh số %(seq)d đã được ký; xem kết quả thiết bị báo về ở bảng lệnh.") % {
        "seq": seq
    }


def error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(str(m) for values in error.message_dict.values() for m in values)
    return " ".join(str(m) for m in error.messages)


@login_required
@require_POST
def command_view(request: HttpRequest, device_id: str, command: str) -> HttpResponse:
    if command not in COMMANDS:
        raise Http404
    device = get_device(user=request.user, device_id=device_id)  # 404 outside the person's scope
    back = redirect("devices:detail", device_id=device.device_id)
    if device.retired_on is not None:
        messages.error(request, _("Thiết bị đã thu hồi, không gửi lệnh được."))
        return back
    if not access.can(request.user, access.DEVICES_MANAGE, unit=device.unit):
        messages.error(request, _("Bạn không có quyền điều khiển thiết bị này."))
        return back
    form = COMMANDS[command](request.POST)
    if not form.is_valid():
        problems = " ".join(str(m) for values in form.errors.values() for m in values)
        messages.error(request, _("Lệnh không hợp lệ: %(problems)s") % {"problems": problems})
        return back
    try:
        record = send_command(
            actor=request.user, device=device, type=command, body=command_body(command, form.cleaned_data)
        )
    except ValidationError as error:
        messages.error(request, _("Không gửi được lệnh: %(error)s") % {"error": error_text(error)})
        return back
    except Http404:
        messages.error(request, _("Bạn không có quyền điều khiển thiết bị này."))
        return back
    messages.success(request, success_message(command, form.cleaned_data, record.seq))
    return back


urlpatterns: list[URLPattern] = [
    path("<str:device_id>/lenh/<str:command>/", command_view, name="command"),
]
