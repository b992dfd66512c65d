"""Screens: search bulletins and campaigns (Vietnamese, diacritics optional)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from nguon.content.choices import CampaignStatus, Language, Priority, Status
from nguon.content.models import Category, SearchEntry
from nguon.content.selectors import search as selectors
from nguon.core import access
from nguon.core.text import fold
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

PAGE_SIZE = 20
_WORD = re.compile(r"(\w+)")


def highlight(text: str, tokens: list[str]) -> SafeString:
    """``text`` escaped, with the words that match ``tokens`` (folded; the last as a prefix) in ``<mark>``."""
    if not tokens:
        return SafeString(escape(text))
    exact, last = set(tokens), tokens[-1]
    prefix = len(last) >= selectors.MIN_PREFIX_LENGTH
    parts: list[str] = []
    for piece in _WORD.split(text):
        folded = fold(piece) if piece else ""
        if folded and " " not in folded and (folded in exact or (prefix and folded.startswith(last))):
            parts.append(f"<mark>{escape(piece)}</mark>")
        else:
            parts.append(escape(piece))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Tất cả")), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Từ khóa"), required=False, max_length=300)
    kind = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=_blank(
            [(SearchEntry.KIND_BULLETIN, _("Bản tin")), (SearchEntry.KIND_CAMPAIGN, _("Chiến dịch"))]
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Tất cả"),
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=_blank(
            [
                *Status.choices,
                (CampaignStatus.ISSUED, CampaignStatus.ISSUED.label),
                (CampaignStatus.CLOSED, CampaignStatus.CLOSED.label),
            ]
        ),
    )
    language = forms.ChoiceField(label=_("Ngôn ngữ"), required=False, choices=_blank(list(Language.choices)))
    priority = forms.ChoiceField(
        label=_("Mức ưu tiên"), required=False, choices=_blank(list(Priority.choices))
    )
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = f"{settings.NGUON_PROVINCE_CODE}/"
        units = AdministrativeUnit.objects.filter(
            path__startswith=province, level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE], is_current=True
        ).order_by("level", "name")
        cast("forms.ChoiceField", self.fields["unit"]).choices = _blank(
            [(u.path, u.full_name) for u in units]
        )


@dataclass(frozen=True)
class Row:
    entry: SearchEntry
    title: SafeString
    snippet: SafeString
    url: str | None
    status: str


_STATUS_LABELS = {
    SearchEntry.KIND_BULLETIN: dict(Status.choices),
    SearchEntry.KIND_CAMPAIGN: dict(CampaignStatus.choices),
}


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.CONTENT_VIEW):
        raise Http404
    form = SearchForm(request.GET or None)
    rows: list[Row] = []
    results: selectors.SearchResults | None = None
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        category = data["category"]
        try:
            results = selectors.search(
                request.user,
                data["q"],
                kind=data["kind"] or None,
                category_id=category.pk if category else None,
                unit_path=data["unit"] or None,
                status=data["status"] or None,
                language=data["language"] or None,
                priority=data["priority"] or None,
                date_from=data["date_from"],
                date_to=data["date_to"],
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, messages)
            status = 400
        else:
            rows = [
                Row(
                    entry=e,
                    title=highlight(e.title, results.tokens),
                    snippet=highlight(e.snippet, results.tokens),
                    url=selectors.url_of(e),
                    status=str(_STATUS_LABELS.get(e.kind, {}).get(e.status, e.status)),
                )
                for e in results.items
            ]
    elif request.GET:
        status = 400
    pages = -(-results.count // PAGE_SIZE) if results else 0
    return render(
        request,
        "content/search.html",
        {
            "form": form,
            "results": results,
            "rows": rows,
            "page": page,
            "pages": pages,
            "first": (page - 1) * PAGE_SIZE + 1,
            "previous_url": _page_url(request, page - 1) if page > 1 else None,
            "next_url": _page_url(request, page + 1) if page < pages else None,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [path("search/", search_view, name="search")]
