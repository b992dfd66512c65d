"""Screens: feedback settings for ``feedback.configure`` — categories with their deadlines, and routing
rules (category × place → unit/organisation)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.core import access
from nguon.feedback.forms.staff import CategoryForm, RuleForm
from nguon.feedback.models import FeedbackCategory, RoutingRule
from nguon.feedback.selectors import staff as selectors
from nguon.feedback.services import setup


def _require_configure(request: HttpRequest) -> None:
    if not access.has_action(request.user, access.FEEDBACK_CONFIGURE):
        raise Http404


def _rule_form(request: HttpRequest, data: Any = None, **kwargs: Any) -> RuleForm:
    units = access.scope(request.user, selectors.province_units(), access.FEEDBACK_CONFIGURE)
    return RuleForm(data, units=units, organisations=selectors.organisations(), **kwargs)


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    rules = access.scope(
        request.user,
        RoutingRule.objects.select_related("category", "unit", "handling_unit", "handling_organisation"),
        access.FEEDBACK_CONFIGURE,
    )
    return render(
        request,
        "feedback/staff_settings.html",
        {
            "categories": FeedbackCategory.objects.order_by("position", "name"),
            "rules": rules,
            "category_form": forms.get("category_form") or CategoryForm(),
            "rule_form": forms.get("rule_form") or _rule_form(request),
        },
        status=status,
    )


def _apply_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    _require_configure(request)
    return _page(request)


@login_required
def category_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a category (no ``pk``) or edit one."""
    _require_configure(request)
    category = get_object_or_404(FeedbackCategory, pk=pk) if pk is not None else None
    if request.method != "POST":
        return render(
            request,
            "feedback/staff_category.html",
            {"form": CategoryForm(instance=category), "category": category},
        )
    form = CategoryForm(request.POST, instance=category)
    if not form.is_valid():
        return render(
            request, "feedback/staff_category.html", {"form": form, "category": category}, status=422
        )
    try:
        saved = setup.save_category(actor=request.user, category=category, data=form.cleaned_data)
    except ValidationError as error:
        _apply_errors(form, error)
        return render(
            request, "feedback/staff_category.html", {"form": form, "category": category}, status=422
        )
    messages.success(request, _("Đã lưu lĩnh vực «%(name)s».") % {"name": saved.name})
    return redirect("feedback:settings")


@login_required
@require_POST
def rule_create_view(request: HttpRequest) -> HttpResponse:
    _require_configure(request)
    form = _rule_form(request, request.POST)
    if not form.is_valid():
        return _page(request, status=422, rule_form=form)
    data = form.cleaned_data
    try:
        setup.save_rule(
            actor=request.user,
            rule=None,
            data=setup.RuleInput(
                category=data["category"],
                unit=data["unit"],
                handling_unit=data["handling_unit"],
                handling_organisation=data["handling_organisation"],
                deadline_days=data["deadline_days"],
            ),
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return _page(request, status=422, rule_form=form)
    messages.success(request, _("Đã thêm quy tắc chuyển xử lý."))
    return redirect("feedback:settings")


@login_required
@require_POST
def rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_configure(request)
    rule = access.get_scoped_or_404(
        request.user, RoutingRule.objects.select_related("unit"), access.FEEDBACK_CONFIGURE, pk=pk
    )
    setup.delete_rule(actor=request.user, rule=rule)
    messages.success(request, _("Đã xoá quy tắc chuyển xử lý."))
    return redirect("feedback:settings")


urlpatterns: list[URLPattern] = [
    path("settings/", settings_view, name="settings"),
    path("settings/categories/new/", category_view, name="category-new"),
    path("settings/categories/<int:pk>/", category_view, name="category-edit"),
    path("settings/rules/", rule_create_view, name="rule-create"),
    path("settings/rules/<int:pk>/delete/", rule_delete_view, name="rule-delete"),
]
