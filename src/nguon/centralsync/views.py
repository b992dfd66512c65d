"""The centralsync screen (/centralsync/): where each dataset stands, the exchange log, "push now"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.centralsync import selectors, services
from nguon.centralsync.choices import Dataset, Outcome
from nguon.centralsync.client import configured_url

PAGE_SIZE = 50


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    status = selectors.list_status(user=request.user)
    dataset = request.GET.get("dataset", "")
    outcome = request.GET.get("outcome", "")
    dataset = dataset if dataset in Dataset.values else ""
    outcome = outcome if outcome in Outcome.values else ""
    rows = selectors.list_exchanges(
        user=request.user, dataset=dataset, outcome=outcome, batch_id=request.GET.get("batch", "")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "centralsync/index.html",
        {
            "status": status,
            "page": page,
            "datasets": Dataset.choices,
            "outcomes": Outcome.choices,
            "dataset": dataset,
            "outcome": outcome,
            "batch": request.GET.get("batch", ""),
            "configured_url": configured_url(),
        },
    )


@login_required
@require_POST
def push_view(request: HttpRequest) -> HttpResponse:
    dataset = request.POST.get("dataset", "") or None
    try:
        queued = services.request_push(actor=request.user, dataset=dataset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        labels = ", ".join(str(Dataset(name).label) for name in queued)
        messages.success(
            request, _("Đã yêu cầu đồng bộ lên trung ương: %(datasets)s.") % {"datasets": labels}
        )
    return redirect("centralsync:index")
