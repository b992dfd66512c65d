"""Screens of the outbound app: destinations (list and form), the delivery log, one message with its
attempts, and the resend button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nguon.core import access
from nguon.outbound import selectors
from nguon.outbound.choices import MessageStatus
from nguon.outbound.forms import DestinationForm, credential_field_name
from nguon.outbound.models import Destination
from nguon.outbound.plugins import REGISTRY
from nguon.outbound.services import queue, tokens
from nguon.outbound.services.destinations import save_destination

PAGE_SIZE = 50


def _require_any(request: HttpRequest, action: str) -> None:
    if not access.has_action(request.user, action):
        raise Http404


@login_required
def destinations_view(request: HttpRequest) -> HttpResponse:
    """The destinations the person may see, with their queue counts."""
    if not (
        access.has_action(request.user, access.OUTBOUND_OPERATE)
        or access.has_action(request.user, access.OUTBOUND_CONFIGURE)
    ):
        raise Http404
    visible = selectors.list_destinations(user=request.user) | selectors.list_destinations(
        user=request.user, action=access.OUTBOUND_CONFIGURE
    )
    configurable = set(
        selectors.list_destinations(user=request.user, action=access.OUTBOUND_CONFIGURE).values_list(
            "pk", flat=True
        )
    )
    rows = []
    for d in visible.distinct():
        rows.append(
            {
                "destination": d,
                "can_edit": d.pk in configurable,
                "failed": d.messages.filter(status=MessageStatus.FAILED).count(),
                "dead": d.messages.filter(status=MessageStatus.DEAD).count(),
                "reauthorize": tokens.reauthorize_label(d) if d.needs_reauthorization else "",
            }
        )
    return render(
        request,
        "outbound/destinations.html",
        {"rows": rows, "can_create": access.has_action(request.user, access.OUTBOUND_CONFIGURE)},
    )


def _fields_help() -> list[tuple[str, list[str]]]:
    return [
        (
            kind,
            [f"{f.name}{'' if f.required else _(' (tùy chọn)')}: {f.label}" for f in plugin.settings_fields],
        )
        for kind, plugin in REGISTRY.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def destination_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a destination; credentials are write-only."""
    _require_any(request, access.OUTBOUND_CONFIGURE)
    destination: Destination | None = None
    if pk is not None:
        destination = selectors.get_destination(user=request.user, pk=pk)
    form = DestinationForm(request.POST or None, destination=destination)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.to_input()
            try:
                saved = save_destination(actor=request.user, data=data, destination=destination)
            except ValidationError as error:
                for key, problems in error.message_dict.items():
                    target = {"unit": "unit_code"}.get(key, key)
                    if target not in form.fields:
                        cred = credential_field_name(data.kind, key)
                        target = cred if cred in form.fields else "settings"
                    for problem in problems:
                        form.add_error(target, problem)
            except Http404:
                form.add_error("unit_code", _("Bạn không được cấu hình nơi nhận cho đơn vị này."))
            else:
                messages.success(request, _("Đã lưu nơi nhận “%(name)s”.") % {"name": saved.name})
                return redirect("outbound:destinations")
        status = 400
    return render(
        request,
        "outbound/destination_form.html",
        {"form": form, "destination": destination, "fields_help": _fields_help()},
        status=status,
    )


@login_required
def messages_view(request: HttpRequest) -> HttpResponse:
    """The delivery log, filtered by destination, status and bulletin."""
    _require_any(request, access.OUTBOUND_OPERATE)
    destination_id = request.GET.get("destination", "")
    status = request.GET.get("status", "")
    bulletin = request.GET.get("bulletin", "").strip()
    qs = selectors.list_messages(
        user=request.user,
        destination_id=int(destination_id) if destination_id.isdigit() else None,
        status=status if status in MessageStatus.values else None,
        bulletin_id=int(bulletin) if bulletin.isdigit() else None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outbound/messages.html",
        {
            "page": page,
            "destinations": selectors.list_destinations(user=request.user),
            "statuses": MessageStatus.choices,
            "filters": {"destination": destination_id, "status": status, "bulletin": bulletin},
        },
    )


@login_required
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One message and every attempt to send it."""
    message = selectors.get_message(user=request.user, pk=pk)
    return render(
        request,
        "outbound/message.html",
        {
            "message": message,
            "attempts": selectors.list_attempts(message=message),
            "can_resend": message.status in (MessageStatus.DEAD, MessageStatus.FAILED),
        },
    )


@login_required
@require_POST
def resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.get_message(user=request.user, pk=pk)
    try:
        queue.resend(actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã đưa tin vào hàng đợi để gửi lại."))
    return redirect("outbound:message", pk=message.pk)
