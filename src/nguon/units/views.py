"""Pages for administrative units (lookup, commune page with its residential units) and organisations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nguon.core import access
from nguon.units import residential_import, selectors, services
from nguon.units.choices import UnitLevel
from nguon.units.forms import ResidentialImportForm, ResidentialUnitForm
from nguon.units.models import AdministrativeUnit, Organisation


@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.UNITS_VIEW):
        raise Http404
    query = request.GET.get("q", "").strip()
    province_code = request.GET.get("province", settings.NGUON_PROVINCE_CODE)
    if query:
        units = list(selectors.search_units(query=query, limit=100))
    else:
        units = list(selectors.list_communes(province_code=province_code))
    successors = selectors.default_successor_codes(units=[u for u in units if not u.is_current])
    province = AdministrativeUnit.objects.filter(
        level=UnitLevel.PROVINCE, is_current=True, code=province_code
    ).first()
    context = {"units": units, "query": query, "province": province, "successors": successors}
    template = "units/_unit_rows.html" if request.headers.get("HX-Request") else "units/unit_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail_view(request: HttpRequest, path: str) -> HttpResponse:
    unit = selectors.visible_units(user=request.user).select_related("parent").filter(path=path).first()
    if unit is None:
        raise Http404
    can_manage = (
        unit.level == UnitLevel.COMMUNE
        and unit.is_current
        and access.can(request.user, access.UNITS_MANAGE_RESIDENTIAL, unit=unit)
    )
    add_form = ResidentialUnitForm(prefix="add")
    import_form = ResidentialImportForm(prefix="import")
    import_errors: list[residential_import.RowError] = []
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if "import-file" in request.FILES:
            import_form = ResidentialImportForm(request.POST, request.FILES, prefix="import")
            if import_form.is_valid():
                try:
                    result = services.import_residential_units(
                        actor=request.user, commune=unit, content=import_form.cleaned_data["file"].read()
                    )
                except residential_import.FileRejectedError as error:
                    import_form.add_error("file", str(error))
                    status = 400
                else:
                    if result.ok:
                        messages.success(
                            request,
                            _("Đã nhập: %(c)d mới, %(u)d cập nhật, %(n)d không đổi.")
                            % {"c": result.created, "u": result.updated, "n": result.unchanged},
                        )
                        return redirect(request.path)
                    import_errors = result.errors
                    status = 400
        else:
            add_form = ResidentialUnitForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    services.save_residential_unit(
                        actor=request.user,
                        commune=unit,
                        local_code=add_form.cleaned_data["code"],
                        name=add_form.cleaned_data["name"],
                        kind=add_form.cleaned_data["kind"],
                    )
                except ValidationError as error:
                    add_form.add_error(None, error)
                    status = 400
                else:
                    messages.success(request, _("Đã lưu thôn, tổ dân phố."))
                    return redirect(request.path)
            else:
                status = 400
    context = {
        "unit": unit,
        "children": selectors.visible_units(user=request.user).filter(parent=unit).order_by("code"),
        "predecessors": selectors.list_predecessors(unit=unit),
        "successors": selectors.list_successors(unit=unit),
        "organisations": access.scope(request.user, unit.organisations.all(), access.ORGANISATIONS_VIEW),
        "can_manage": can_manage,
        "add_form": add_form,
        "import_form": import_form,
        "import_errors": import_errors,
    }
    return render(request, "units/unit_detail.html", context, status=status)


@login_required
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    organisations = selectors.list_organisations(
        queryset=access.scope(request.user, Organisation.objects.all(), access.ORGANISATIONS_VIEW)
    )
    return render(request, "units/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    organisation = access.get_scoped_or_404(
        request.user, selectors.list_organisations(), access.ORGANISATIONS_VIEW, code=code
    )
    return render(
        request,
        "units/organisation_detail.html",
        {
            "organisation": organisation,
            "names": organisation.names.all(),
            "predecessors": organisation.predecessors.all(),
        },
    )
