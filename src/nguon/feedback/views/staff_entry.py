"""Screen: a handler enters feedback received by phone, hotline or in person (/feedback/handle/new/).

The same fields as the public form, without the anti-abuse checks (the person is signed in and
accountable); ``submit_feedback`` checks that they handle feedback in the chosen commune.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from nguon.content.files import RejectedFileError
from nguon.feedback.forms.staff import StaffEntryForm
from nguon.feedback.selectors import staff as selectors
from nguon.feedback.services.intake import FeedbackInput, submit_feedback
from nguon.feedback.views.staff import require_handler_somewhere


@login_required
def entry_view(request: HttpRequest) -> HttpResponse:
    require_handler_somewhere(request)
    communes = selectors.entry_communes(request.user)
    if request.method != "POST":
        form = StaffEntryForm(communes=communes, initial={"wants_notification": True})
        return render(request, "feedback/staff_entry.html", {"form": form})
    form = StaffEntryForm(request.POST, request.FILES, communes=communes)
    if not form.is_valid():
        return render(request, "feedback/staff_entry.html", {"form": form}, status=422)
    data = form.cleaned_data
    entry = FeedbackInput(
        category=data["category"],
        description=data["description"],
        unit=data["unit"],
        title=data["title"],
        address=data["address"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        reporter_name=data["reporter_name"],
        reporter_phone=data["reporter_phone"],
        reporter_email=data["reporter_email"],
        wants_notification=data["wants_notification"],
        uploads=request.FILES.getlist("uploads"),
    )
    try:
        feedback = submit_feedback(actor=request.user, data=entry, channel=data["channel"])
    except RejectedFileError as error:
        form.add_error("uploads", error.message)
        return render(request, "feedback/staff_entry.html", {"form": form}, status=error.status)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                name = "uploads" if field == "files" else field
                form.add_error(name if name in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
        return render(request, "feedback/staff_entry.html", {"form": form}, status=422)
    messages.success(
        request,
        _("Đã tiếp nhận phản ánh %(id)s — hạn xử lý %(due)s.")
        % {
            "id": feedback.public_id,
            "due": timezone.localtime(feedback.due_at).strftime("%d/%m/%Y"),
        },
    )
    return redirect("feedback:detail", public_id=feedback.public_id)


urlpatterns: list[URLPattern] = [
    path("handle/new/", entry_view, name="staff-entry"),
]
