"""Pages of the Đề án 614 tracker: the dashboard (targets and tasks with their status), a target with its
history and sparkline and the form to enter a value, a task with its updates and the form to post one,
the evidence downloads, and the screens where the plan's managers add and correct targets and tasks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nguon.content.files import RejectedFileError
from nguon.plan614 import measures, selectors, services
from nguon.plan614.choices import MeasureMethod
from nguon.plan614.forms import (
    DashboardFilters,
    MeasurementForm,
    ProgressForm,
    TargetForm,
    TaskForm,
    show_errors,
)
from nguon.plan614.models import Measurement, ProgressUpdate, Target, Task
from nguon.plan614.sparkline import sparkline


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    targets = selectors.list_targets(
        user=request.user, horizon=data.get("horizon"), health=data.get("target_health") or None
    )
    tasks = selectors.list_tasks(user=request.user, health=data.get("task_health") or None)
    plan_unit = selectors.get_plan_unit()
    if data.get("mine"):
        tasks = [row for row in tasks if selectors.may_report(request.user, row.task)]
    return render(
        request,
        "plan614/dashboard.html",
        {
            "filters": filters,
            "targets": targets,
            "tasks": tasks,
            "plan_unit": plan_unit,
            "may_manage": selectors.may_manage(request.user, plan_unit),
            "today": selectors.local_today(),
        },
    )


def _target_page(
    request: HttpRequest, pk: int, form: MeasurementForm | None, status: int = 200
) -> HttpResponse:
    target = selectors.get_target(user=request.user, pk=pk)
    row = selectors.target_row(target)
    manage = selectors.may_manage(request.user, target.unit) and target.method == MeasureMethod.ENTERED
    if manage and form is None:
        form = MeasurementForm(initial={"measured_on": selectors.local_today()})
    series = [(m.measured_on, Decimal(m.value)) for m in row.measurements]
    return render(
        request,
        "plan614/target.html",
        {
            "row": row,
            "target": target,
            "history": list(reversed(row.measurements)),
            "spark": sparkline(series, target.target_value),
            "measure_label": measures.label(target.computed_key) if target.computed_key else "",
            "form": form if manage else None,
            "may_manage": selectors.may_manage(request.user, target.unit),
        },
        status=status,
    )


@login_required
@require_GET
def target_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _target_page(request, pk, None)


@login_required
@require_http_methods(["POST"])
def measurement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a measured value with evidence (``plan614.manage``; 404 for others)."""
    target = selectors.get_target(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, target.unit):
        raise Http404
    form = MeasurementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _target_page(request, pk, form, status=400)
    data = form.cleaned_data
    try:
        services.record_measurement(
            actor=request.user,
            target=target,
            measured_on=data["measured_on"],
            value=data["value"],
            evidence_upload=data["evidence"],
            evidence_link=data["evidence_link"],
            note=data["note"],
        )
    except RejectedFileError as error:
        form.add_error("evidence", error.message)
        return _target_page(request, pk, form, status=error.status)
    except ValidationError as error:
        show_errors(form, error)
        return _target_page(request, pk, form, status=400)
    messages.success(request, _("Đã ghi nhận số liệu."))
    return redirect("plan614:target", pk=pk)


def _task_page(request: HttpRequest, pk: int, form: ProgressForm | None, status: int = 200) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk)
    may_report = selectors.may_report(request.user, task)
    if may_report and form is None:
        form = ProgressForm(initial={"reported_on": selectors.local_today()})
    row = selectors.task_row(task)
    return render(
        request,
        "plan614/task.html",
        {
            "row": row,
            "task": task,
            "history": list(reversed(row.updates)),
            "form": form if may_report else None,
            "may_manage": selectors.may_manage(request.user, task.unit),
        },
        status=status,
    )


@login_required
@require_GET
def task_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, pk, None)


@login_required
@require_http_methods(["POST"])
def progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a progress update (lead and partner people, or the plan's managers; 404 for others)."""
    task = selectors.get_task(user=request.user, pk=pk)
    if not selectors.may_report(request.user, task):
        raise Http404
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        return _task_page(request, pk, form, status=400)
    data = form.cleaned_data
    try:
        services.post_progress(
            actor=request.user,
            task=task,
            reported_on=data["reported_on"],
            percent=data["percent"],
            text=data["text"],
            evidence_upload=data["evidence"],
            evidence_link=data["evidence_link"],
        )
    except RejectedFileError as error:
        form.add_error("evidence", error.message)
        return _task_page(request, pk, form, status=error.status)
    except ValidationError as error:
        show_errors(form, error)
        return _task_page(request, pk, form, status=400)
    messages.success(request, _("Đã ghi nhận tiến độ."))
    return redirect("plan614:task", pk=pk)


# -- targets and tasks themselves (``plan614.manage``; 404 for everyone else) ------------------------------


def _require_manager(request: HttpRequest, current: Target | Task | None) -> None:
    """404 unless ``request.user`` manages the plan (of ``current``, or the plan's unit for a new one)."""
    unit = current.unit if current is not None else selectors.get_plan_unit()
    if not selectors.may_manage(request.user, unit):
        raise Http404


def _form_page(
    request: HttpRequest,
    *,
    current: Target | Task | None,
    form_class: type[TargetForm] | type[TaskForm],
    kind: str,
    save: Callable[[dict[str, Any]], Target | Task],
    saved: str,
) -> HttpResponse:
    """The add/edit screen of a target or task (``kind``): the form, then ``save`` (a service: the one
    write path), then its page; 422 with the messages on bad input."""
    template = f"plan614/{kind}_form.html"
    if request.method != "POST":
        form = form_class(initial=form_class.initial_of(current) if current else None)  # type: ignore[arg-type]
        return render(request, template, {"form": form, kind: current})
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(f"plan614:{kind}", pk=done.pk)
    return render(request, template, {"form": form, kind: current}, status=422)


def _target_form_page(request: HttpRequest, pk: int | None) -> HttpResponse:
    target = selectors.get_target(user=request.user, pk=pk) if pk is not None else None
    _require_manager(request, target)

    def save(data: dict[str, Any]) -> Target:
        if target is None:
            return services.create_target(actor=request.user, unit=selectors.get_plan_unit(), **data)
        return services.update_target(actor=request.user, target=target, **data)

    saved = _("Đã thêm mục tiêu.") if target is None else _("Đã lưu thay đổi của mục tiêu.")
    return _form_page(request, current=target, form_class=TargetForm, kind="target", save=save, saved=saved)


def _task_form_page(request: HttpRequest, pk: int | None) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk) if pk is not None else None
    _require_manager(request, task)

    def save(data: dict[str, Any]) -> Task:
        if task is None:
            return services.create_task(actor=request.user, unit=selectors.get_plan_unit(), **data)
        return services.update_task(actor=request.user, task=task, **data)

    saved = _("Đã thêm nhiệm vụ.") if task is None else _("Đã lưu thay đổi của nhiệm vụ.")
    return _form_page(request, current=task, form_class=TaskForm, kind="task", save=save, saved=saved)


@login_required
@require_http_methods(["GET", "POST"])
def target_create_view(request: HttpRequest) -> HttpResponse:
    """Add a target of the plan (``plan614.manage``; 404 for others)."""
    return _target_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a target's wording, value, method (``plan614.manage``; 404 for others)."""
    return _target_form_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request: HttpRequest) -> HttpResponse:
    """Add a task of the annex (``plan614.manage``; 404 for others)."""
    return _task_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a task's funding, period, status, lead/partner wording (``plan614.manage``; 404 for others)."""
    return _task_form_page(request, pk)


def _download(blob_file: object, name: str) -> FileResponse:
    response = FileResponse(blob_file, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def measurement_evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    measurement = Measurement.objects.select_related("evidence", "target").filter(pk=pk).first()
    if measurement is None or measurement.evidence is None:
        raise Http404
    selectors.get_target(user=request.user, pk=measurement.target_id)
    return _download(measurement.evidence.file.open("rb"), measurement.evidence_name or f"minh-chung-{pk}")


@login_required
@require_GET
def update_evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    update = ProgressUpdate.objects.select_related("evidence").filter(pk=pk).first()
    if update is None or update.evidence is None:
        raise Http404
    selectors.get_task(user=request.user, pk=update.task_id)
    return _download(update.evidence.file.open("rb"), update.evidence_name or f"minh-chung-{pk}")
