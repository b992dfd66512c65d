"""Screens: a commune's inbox of bulletins sent down to it (TT39 decisions).

Emergency items arrive already forced (they air at once); priority items must be accepted and the
commune orders them; normal items are accepted into the schedule or declined with a reason. An entry
shows the bulletin as it was at the revision the commune received, not the bulletin's current text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nguon.content import html
from nguon.content.choices import Channel, InboxStatus, Language, Priority
from nguon.content.forms.inbox import DeclineForm, OrderForm
from nguon.content.models import BulletinRevision, Delivery, InboxEntry, MediaBlob
from nguon.content.selectors import bulletins as selectors
from nguon.content.services import inbox as inbox_services
from nguon.content.views.attachments import blob_response
from nguon.core import access

TABS: dict[str, tuple[Any, list[str]]] = {
    "pending": (gettext_lazy("Chờ quyết định"), [InboxStatus.PENDING]),
    "accepted": (gettext_lazy("Đã nhận"), [InboxStatus.ACCEPTED, InboxStatus.FORCED]),
    "declined": (gettext_lazy("Không phát"), [InboxStatus.DECLINED]),
    "withdrawn": (gettext_lazy("Đã thu hồi"), [InboxStatus.WITHDRAWN]),
}


def _require_receive(request: HttpRequest) -> None:
    if not access.has_action(request.user, access.CONTENT_RECEIVE):
        raise Http404


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    _require_receive(request)
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    entries = selectors.inbox_entries(request.user)
    counts = Counter(entries.order_by().values_list("status", flat=True))
    now = timezone.now()
    emergencies = entries.filter(status=InboxStatus.FORCED).filter(
        Q(bulletin__valid_until__isnull=True) | Q(bulletin__valid_until__gt=now)
    )[:10]
    shown = entries.filter(status__in=TABS[tab][1])
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    ordering: dict[str, list[InboxEntry]] = {}
    if tab == "accepted":
        for entry in entries.filter(status=InboxStatus.ACCEPTED, priority=Priority.PRIORITY).order_by(
            "unit__name", "position", "received_at"
        ):
            ordering.setdefault(entry.unit.full_name, []).append(entry)
    tabs = [(key, label, sum(counts.get(s, 0) for s in statuses)) for key, (label, statuses) in TABS.items()]
    return render(
        request,
        "content/inbox/list.html",
        {
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "emergencies": emergencies,
            "ordering": ordering,
            "decline_form": DeclineForm(),
            "now": now,
        },
    )


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    sha256: str
    kind: str
    mime_type: str


def _received_files(revision: BulletinRevision) -> list[ReceivedFile]:
    listed = revision.data.get("attachments") or []
    blobs = MediaBlob.objects.in_bulk([a["sha256"] for a in listed], field_name="sha256")
    return [
        ReceivedFile(a["name"], a["sha256"], blobs[a["sha256"]].kind, blobs[a["sha256"]].mime_type)
        for a in listed
        if a["sha256"] in blobs
    ]


def _when(raw: Any) -> datetime | None:
    return parse_datetime(raw) if isinstance(raw, str) else None


@login_required
def inbox_entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_inbox_entry(request.user, pk)
    revision = BulletinRevision.objects.filter(bulletin=entry.bulletin, number=entry.revision).first()
    if revision is None:
        raise Http404
    data = revision.data
    changes = []
    previous_number = None
    if entry.has_correction:
        # The revision this commune had before the correction: the newest one delivered before it.
        previous_number = Delivery.objects.filter(
            bulletin=entry.bulletin, revision__lt=entry.revision
        ).aggregate(m=Max("revision"))["m"]
        previous = BulletinRevision.objects.filter(bulletin=entry.bulletin, number=previous_number).first()
        if previous is not None:
            changes = selectors.diff_revisions(previous, revision)
    labels = {
        "language": dict(Language.choices),
        "priority": dict(Priority.choices),
        "channels": dict(Channel.choices),
    }
    return render(
        request,
        "content/inbox/entry.html",
        {
            "entry": entry,
            "revision": revision,
            "data": data,
            "body": html.sanitise(revision.body),
            "language": labels["language"].get(data.get("language"), data.get("language")),
            "priority": labels["priority"].get(data.get("priority"), data.get("priority")),
            "channels": [labels["channels"].get(c, c) for c in data.get("channels") or []],
            "valid_from": _when(data.get("valid_from")),
            "valid_until": _when(data.get("valid_until")),
            "files": _received_files(revision),
            "changes": changes,
            "previous_number": previous_number,
            "decline_form": DeclineForm(),
            "can_decide": entry.status not in (InboxStatus.FORCED, InboxStatus.WITHDRAWN),
        },
    )


@login_required
def inbox_entry_file_view(request: HttpRequest, pk: int, sha256: str) -> FileResponse:
    """A file of the revision the commune received (the bulletin itself may be outside its scope)."""
    entry = selectors.get_inbox_entry(request.user, pk)
    revision = BulletinRevision.objects.filter(bulletin=entry.bulletin, number=entry.revision).first()
    listed = {a["sha256"]: a["name"] for a in (revision.data.get("attachments") or [])} if revision else {}
    blob = MediaBlob.objects.filter(sha256=sha256).first() if sha256 in listed else None
    if blob is None:
        raise Http404
    return blob_response(blob, listed[sha256], download=request.GET.get("download") == "1")


def _back(request: HttpRequest, entry: InboxEntry | None = None) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("content:inbox_entry", args=[entry.pk]) if entry else reverse("content:inbox")
    return redirect(target)


@login_required
@require_POST
def inbox_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_inbox_entry(request.user, pk)
    try:
        inbox_services.accept(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã nhận vào lịch phát: %(title)s") % {"title": entry.bulletin.title})
    return _back(request, entry)


@login_required
@require_POST
def inbox_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_inbox_entry(request.user, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for m in form.errors["reason"]))
        return _back(request, entry)
    try:
        inbox_services.decline(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận không phát: %(title)s") % {"title": entry.bulletin.title})
    return _back(request, entry)


@login_required
@require_POST
def inbox_order_view(request: HttpRequest) -> HttpResponse:
    """Move one accepted priority item up or down among its commune's accepted priority items."""
    _require_receive(request)
    form = OrderForm(request.POST)
    if not form.is_valid():
        raise Http404
    entry = selectors.get_inbox_entry(request.user, form.cleaned_data["entry"])
    ids = list(
        selectors.inbox_entries(request.user, status=InboxStatus.ACCEPTED)
        .filter(unit=entry.unit, priority=Priority.PRIORITY)
        .order_by("position", "received_at")
        .values_list("pk", flat=True)
    )
    if entry.pk not in ids:
        raise Http404
    i = ids.index(entry.pk)
    j = i - 1 if form.cleaned_data["direction"] == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        try:
            inbox_services.order_priority(actor=request.user, unit=entry.unit, entry_ids=ids)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã đổi thứ tự phát tin ưu tiên."))
    return redirect(f"{reverse('content:inbox')}?tab=accepted")


urlpatterns: list[URLPattern] = [
    path("inbox/", inbox_view, name="inbox"),
    path("inbox/order/", inbox_order_view, name="inbox_order"),
    path("inbox/<int:pk>/", inbox_entry_view, name="inbox_entry"),
    path("inbox/<int:pk>/accept/", inbox_accept_view, name="inbox_accept"),
    path("inbox/<int:pk>/decline/", inbox_decline_view, name="inbox_decline"),
    path("inbox/<int:pk>/files/<str:sha256>/", inbox_entry_file_view, name="inbox_entry_file"),
]
