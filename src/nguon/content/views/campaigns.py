"""Screens: propagation campaigns — the list, the editor, the completion table at a glance, reminders,
the Excel export and a target's report form. Every read goes through the selectors (404 for what a
person may not see), every write through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nguon.content import campaign_export
from nguon.content.choices import CampaignStatus, TargetStatus
from nguon.content.files import RejectedFileError
from nguon.content.forms.campaigns import CampaignForm, DocumentForm, ReportForm, show_errors, target_keys
from nguon.content.models import Campaign, CampaignDocument, CampaignReport
from nguon.content.selectors import campaigns as selectors
from nguon.content.services import campaigns as services
from nguon.core import access


def _place(request: HttpRequest) -> tuple[selectors.IssuerPlace, list[selectors.IssuerPlace]]:
    """The place the new campaign is issued from (``?noi=`` among the person's places); 404 if none."""
    places = selectors.list_issuer_places(user=request.user)
    if not places:
        raise Http404
    wanted = request.POST.get("noi") or request.GET.get("noi") or places[0].key
    return next((p for p in places if p.key == wanted), places[0]), places


@login_required
@require_GET
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (access.has_action(user, access.CONTENT_VIEW) or access.has_action(user, access.CAMPAIGNS_REPORT)):
        raise Http404
    overseen = selectors.list_campaigns(user=user).annotate(
        n_targets=Count("targets"),
        n_reported=Count("targets", filter=Q(targets__status=TargetStatus.REPORTED)),
    )
    status = request.GET.get("trang_thai", "")
    if status in CampaignStatus.values:
        overseen = overseen.filter(status=status)
    return render(
        request,
        "content/campaigns/list.html",
        {
            "campaigns": overseen[:200],
            "assignments": selectors.list_assignments(user=user)[:200],
            "can_create": bool(selectors.list_issuer_places(user=user)),
            "statuses": CampaignStatus.choices,
            "status": status,
            "today": selectors.local_today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new_view(request: HttpRequest) -> HttpResponse:
    place, places = _place(request)
    bound = request.method == "POST"
    form = CampaignForm(request.POST if bound else None, place=place)
    if bound and form.is_valid():
        try:
            campaign = services.create_campaign(
                request.user,
                unit=place.unit if place.organisation is None else None,
                organisation=place.organisation,
                **form.service_fields(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Đã lưu bản nháp chiến dịch. Kiểm tra lại rồi bấm “Ban hành”."))
            return redirect("content:campaign", pk=campaign.pk)
    return render(
        request,
        "content/campaigns/form.html",
        {"form": form, "place": place, "places": places, "campaign": None},
        status=400 if bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_issued_campaign(user=request.user, pk=pk)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Chỉ sửa được chiến dịch đang soạn thảo."))
        return redirect("content:campaign", pk=pk)
    place = selectors.IssuerPlace(campaign.unit, campaign.organisation)
    initial = {
        "title": campaign.title,
        "reference": campaign.reference,
        "directive": campaign.directive,
        "channels": campaign.channels,
        "deadline": campaign.deadline,
        "targets": target_keys(campaign),
    }
    form = CampaignForm(request.POST or None, place=place, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(request.user, campaign, **form.service_fields())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("content:campaign", pk=pk)
    return render(
        request,
        "content/campaigns/form.html",
        {"form": form, "place": place, "places": [place], "campaign": campaign},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, pk=pk)
    oversee = selectors.can_oversee(request.user, campaign)
    own = selectors.list_own_targets(user=request.user, campaign=campaign)
    table = selectors.completion_table(campaign, targets=None if oversee else own)
    return render(
        request,
        "content/campaigns/detail.html",
        {
            "campaign": campaign,
            "table": table,
            "summary": table.summary,
            "oversee": oversee,
            "manage": selectors.can_manage(request.user, campaign),
            "own_ids": set(own.values_list("pk", flat=True)),
            "documents": campaign.documents.select_related("blob"),
            "document_form": DocumentForm(),
            "remind_interval_hours": int(services.REMIND_INTERVAL.total_seconds() // 3600),
        },
    )


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = selectors.get_issued_campaign(user=request.user, pk=pk)
    try:
        if step == "issue":
            services.issue_campaign(request.user, campaign)
            messages.success(request, _("Đã ban hành chiến dịch và gửi thông báo đến các đơn vị thực hiện."))
        elif step == "close":
            services.close_campaign(request.user, campaign)
            messages.success(request, _("Đã kết thúc chiến dịch."))
        else:
            ids = [int(v) for v in request.POST.getlist("target") if v.isdigit()]
            chosen = list(campaign.targets.filter(pk__in=ids)) if ids else None
            reminded = services.remind(request.user, campaign, chosen)
            count = len(reminded)
            messages.success(
                request,
                ngettext(
                    "Đã nhắc %(count)d đơn vị chưa báo cáo.", "Đã nhắc %(count)d đơn vị chưa báo cáo.", count
                )
                % {"count": count},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("content:campaign", pk=pk)


@login_required
@require_POST
def campaign_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "issue")


@login_required
@require_POST
def campaign_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "remind")


@login_required
@require_POST
def campaign_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "close")


@login_required
@require_GET
def campaign_export_view(request: HttpRequest, pk: int) -> FileResponse:
    campaign = selectors.get_campaign(user=request.user, pk=pk)
    if not selectors.can_oversee(request.user, campaign):
        raise Http404
    return campaign_export.export_response(campaign, selectors.completion_table(campaign))


@login_required
@require_POST
def campaign_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_issued_campaign(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn một tệp tài liệu."))
        return redirect("content:campaign", pk=pk)
    try:
        document = services.add_document(request.user, campaign, form.cleaned_data["file"])
    except RejectedFileError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thêm tài liệu %(name)s.") % {"name": document.original_name})
    return redirect("content:campaign", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_report_view(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, pk=pk)
    target = selectors.get_target(user=request.user, campaign=campaign, pk=target_pk)
    initial = {"channel": (campaign.channels or [""])[0], "done_on": selectors.local_today()}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_report(
                    request.user,
                    target,
                    channel=data["channel"],
                    done_on=data["done_on"],
                    audience=data["audience"],
                    evidence_link=data["evidence_link"],
                    evidence_upload=data["evidence"],
                    note=data["note"],
                )
            except RejectedFileError as error:
                form.add_error("evidence", error.message)
                status = error.status
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Đã ghi nhận báo cáo. Có thể báo cáo thêm hình thức khác."))
                return redirect("content:campaign", pk=pk)
    return render(
        request,
        "content/campaigns/report.html",
        {
            "campaign": campaign,
            "target": target,
            "target_name": selectors.target_name(target),
            "form": form,
            "reports": selectors.list_reports(target=target),
            "open": campaign.status == CampaignStatus.ISSUED,
        },
        status=status,
    )


def _download(blob_file: object, name: str) -> FileResponse:
    response = FileResponse(blob_file, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def campaign_file_view(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A document of a campaign, for anyone who sees the campaign (no public media URL)."""
    campaign = selectors.get_campaign(user=request.user, pk=pk)
    document = (
        CampaignDocument.objects.select_related("blob").filter(campaign=campaign, pk=document_pk).first()
    )
    if document is None:
        raise Http404
    return _download(document.blob.file.open("rb"), document.original_name)


@login_required
@require_GET
def campaign_evidence_view(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    """The evidence file of a report: for those who oversee the campaign or report for that target."""
    campaign: Campaign = selectors.get_campaign(user=request.user, pk=pk)
    reports = CampaignReport.objects.select_related("evidence").filter(
        target__campaign=campaign, evidence__isnull=False
    )
    if not selectors.can_oversee(request.user, campaign):
        reports = reports.filter(target__in=selectors.list_own_targets(user=request.user, campaign=campaign))
    report = reports.filter(pk=report_pk).first()
    if report is None or report.evidence is None:
        raise Http404
    return _download(report.evidence.file.open("rb"), report.evidence_name or f"minh-chung-{report.pk}")


urlpatterns: list[URLPattern] = [
    path("campaigns/", campaign_list_view, name="campaigns"),
    path("campaigns/new/", campaign_new_view, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_detail_view, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaign_edit_view, name="campaign_edit"),
    path("campaigns/<int:pk>/issue/", campaign_issue_view, name="campaign_issue"),
    path("campaigns/<int:pk>/remind/", campaign_remind_view, name="campaign_remind"),
    path("campaigns/<int:pk>/close/", campaign_close_view, name="campaign_close"),
    path("campaigns/<int:pk>/export.xlsx", campaign_export_view, name="campaign_export"),
    path("campaigns/<int:pk>/documents/", campaign_document_view, name="campaign_document_add"),
    path("campaigns/<int:pk>/documents/<int:document_pk>/", campaign_file_view, name="campaign_document"),
    path("campaigns/<int:pk>/evidence/<int:report_pk>/", campaign_evidence_view, name="campaign_evidence"),
    path("campaigns/<int:pk>/targets/<int:target_pk>/report/", campaign_report_view, name="campaign_report"),
]
