"""Reading propagation campaigns: which ones a person sees, what is assigned to them, the completion table.

**Which action scopes the campaign list.** Campaigns are listed with ``content.view``
(:data:`access.CONTENT_VIEW`), not ``campaigns.issue``. Every role that may issue a campaign also holds
``content.view`` with the same grants, so the issuers lose nothing; but the commune operator, the viewer
and the auditor of the same area see the campaigns too (they follow up on them and check them) without
being able to manage them. Managing (edit, issue, remind, close, add documents) is the narrower
``campaigns.issue`` scope (:func:`list_issued_campaigns`). The people of a *target* see a campaign through
their assignment (``campaigns.report`` on the target) even when it was issued above their area — a
commune sees the province's campaign it was asked to carry out — but only their own rows of its table.

Dates are Vietnamese dates (Asia/Ho_Chi_Minh), whatever time zone a request runs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nguon.content.choices import CampaignChannel, CampaignStatus, TargetStatus
from nguon.content.models import Campaign, CampaignReport, CampaignTarget
from nguon.core import access
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Target levels the screens offer below an issuer (the service accepts either at any depth).
TARGET_LEVELS = (UnitLevel.COMMUNE, UnitLevel.RESIDENTIAL)


def local_today() -> date:
    """Today's date in Vietnam."""
    return timezone.now().astimezone(VN_TZ).date()


def local_time(value: datetime | None) -> datetime | None:
    """``value`` in Vietnamese time (aware), or None."""
    return value.astimezone(VN_TZ) if value is not None else None


# -- lists ------------------------------------------------------------------------------------------------


def _campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("unit", "organisation")


def list_campaigns(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns placed in the person's area (``content.view``), drafts included: the full table is theirs."""
    return access.scope(user, _campaigns(), access.CONTENT_VIEW)


def list_issued_campaigns(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns the person may manage (``campaigns.issue`` where the campaign is placed)."""
    return access.scope(user, _campaigns(), access.CAMPAIGNS_ISSUE)


def list_assignments(*, user: Any) -> QuerySet[CampaignTarget]:
    """Targets of issued (or closed) campaigns the person may report for; pending first, nearest deadline."""
    queryset = CampaignTarget.objects.filter(
        campaign__status__in=[CampaignStatus.ISSUED, CampaignStatus.CLOSED]
    ).select_related("campaign", "campaign__unit", "campaign__organisation", "unit", "organisation")
    return access.scope(user, queryset, access.CAMPAIGNS_REPORT).order_by(
        "status", "campaign__deadline", "campaign_id", "unit__path", "id"
    )


def get_campaign(*, user: Any, pk: int) -> Campaign:
    """One campaign the person sees in their area or through an assignment; Http404 otherwise."""
    campaign = list_campaigns(user=user).filter(pk=pk).first()
    if campaign is None and list_assignments(user=user).filter(campaign_id=pk).exists():
        campaign = _campaigns().filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def get_issued_campaign(*, user: Any, pk: int) -> Campaign:
    """One campaign the person may manage; Http404 otherwise (also for those who only see it)."""
    return access.get_scoped_or_404(user, _campaigns(), access.CAMPAIGNS_ISSUE, pk=pk)


def can_oversee(user: Any, campaign: Campaign) -> bool:
    """May the person read the whole completion table (and export it)?"""
    return list_campaigns(user=user).filter(pk=campaign.pk).exists()


def can_manage(user: Any, campaign: Campaign) -> bool:
    return list_issued_campaigns(user=user).filter(pk=campaign.pk).exists()


def list_own_targets(*, user: Any, campaign: Campaign) -> QuerySet[CampaignTarget]:
    """The targets of ``campaign`` the person reports for."""
    return list_assignments(user=user).filter(campaign=campaign)


def get_target(*, user: Any, campaign: Campaign, pk: int) -> CampaignTarget:
    """A target of ``campaign`` the person may report for; Http404 otherwise."""
    target = list_own_targets(user=user, campaign=campaign).filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def list_reports(*, target: CampaignTarget) -> QuerySet[CampaignReport]:
    return target.reports.select_related("evidence", "reported_by").order_by("done_on", "id")


def list_responsible_people(*, target: CampaignTarget, campaign: Campaign) -> list[Any]:
    """The people nearest to ``target`` who may report for it: who is told about it.

    The organisation's own people for an organisation target; otherwise those whose grant sits at the
    target itself, else at its commune, and so on up — never above the issuing unit. A commune's campaign
    to its residential groups thus reaches the commune staff (residential groups seldom have accounts),
    and the province's editorial board is not told about every commune's campaign.
    """
    candidates = access.people_who_can(
        access.CAMPAIGNS_REPORT, unit=target.unit, organisation=target.organisation
    )
    roles = [r for r, actions in access.ROLE_ACTIONS.items() if access.CAMPAIGNS_REPORT in actions]
    live = Q(grants__revoked_at__isnull=True, grants__role__in=roles)
    if target.organisation is not None:
        own = list(candidates.filter(live, grants__organisation=target.organisation))
        if own:
            return own
    for prefix in reversed(access.path_prefixes(target.unit.path)):
        if not prefix.startswith(campaign.unit.path):
            break
        # Unit grants only: an organisation's people report for their organisation, not for its unit.
        here = list(candidates.filter(live, grants__unit__path=prefix))
        if here:
            return here
    return []


# -- what an issuer may target ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerPlace:
    """Where a person may issue a campaign: a unit (their unit grant) or an organisation (its grant)."""

    unit: AdministrativeUnit
    organisation: Organisation | None

    @property
    def key(self) -> str:
        return f"o{self.organisation.pk}" if self.organisation is not None else f"u{self.unit.pk}"

    @property
    def label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.unit.full_name


def may_issue_at_unit(actor: Any, unit: AdministrativeUnit) -> bool:
    """A unit (or global) grant of ``campaigns.issue`` covering ``unit``: an organisation's people issue
    in their organisation's name, not in the name of the unit it sits in."""
    if isinstance(actor, access.SystemActor):
        return True
    return any(
        g.is_global or (g.unit_path is not None and unit.path.startswith(g.unit_path))
        for g in access.grants_for(actor, access.CAMPAIGNS_ISSUE)
    )


def list_issuer_places(*, user: Any) -> list[IssuerPlace]:
    """Each unit (province or commune) and organisation where the person holds ``campaigns.issue``."""
    places: dict[str, IssuerPlace] = {}
    for grant in access.grants_for(user, access.CAMPAIGNS_ISSUE):
        if grant.organisation_id is not None:
            organisation = (
                Organisation.objects.select_related("unit").filter(pk=grant.organisation_id).first()
            )
            if organisation is not None and organisation.is_active:
                place = IssuerPlace(organisation.unit, organisation)
                places.setdefault(place.key, place)
        elif grant.unit_path is not None:
            unit = AdministrativeUnit.objects.filter(path=grant.unit_path, is_current=True).first()
            if unit is not None and unit.level in (UnitLevel.PROVINCE, UnitLevel.COMMUNE):
                place = IssuerPlace(unit, None)
                places.setdefault(place.key, place)
    return list(places.values())


def list_target_units(*, place: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """Current communes / residential units directly under ``place`` (what the create screen offers)."""
    return AdministrativeUnit.objects.filter(
        parent=place, is_current=True, level__in=TARGET_LEVELS, path__startswith=place.path
    ).order_by("path")


def list_target_organisations(
    *, place: AdministrativeUnit, exclude: Organisation | None = None
) -> QuerySet[Organisation]:
    """Active organisations placed at ``place`` or below (minus the issuing organisation)."""
    queryset = Organisation.objects.filter(
        is_active=True, unit__path__startswith=place.path, unit__is_current=True
    ).select_related("unit")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.order_by("unit__path", "name")


# -- the completion table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """What one target has done."""

    target_id: int
    name: str
    kind: str
    status: str
    status_label: str
    channels: list[str]
    first_done_on: date | None
    last_done_on: date | None
    audience: int | None
    report_count: int
    evidence_count: int
    reminder_count: int
    last_reminded_at: datetime | None
    reported_at: datetime | None
    is_overdue: bool


@dataclass(frozen=True)
class CompletionSummary:
    targets: int
    reported: int
    pending: int
    percent: int
    deadline: date
    today: date
    is_overdue: bool
    days_left: int


@dataclass(frozen=True)
class CompletionTable:
    campaign: Campaign
    rows: list[CompletionRow]
    summary: CompletionSummary


def target_name(target: CampaignTarget) -> str:
    return target.organisation.name if target.organisation is not None else target.unit.full_name


def target_kind(target: CampaignTarget) -> str:
    if target.organisation is not None:
        return str(target.organisation.get_kind_display())
    return str(target.unit.get_kind_display())


_CHANNEL_ORDER = {code: index for index, code in enumerate(CampaignChannel.values)}
_CHANNEL_LABELS = dict(CampaignChannel.choices)


def _row(target: CampaignTarget, reports: list[CampaignReport], today: date, deadline: date) -> CompletionRow:
    channels = sorted({r.channel for r in reports}, key=lambda c: _CHANNEL_ORDER.get(c, 99))
    dates = [r.done_on for r in reports]
    figures = [r.audience for r in reports if r.audience is not None]
    pending = target.status == TargetStatus.PENDING
    return CompletionRow(
        target_id=target.pk,
        name=target_name(target),
        kind=target_kind(target),
        status=target.status,
        status_label=str(target.get_status_display()),
        channels=[str(_CHANNEL_LABELS.get(c, c)) for c in channels],
        first_done_on=min(dates) if dates else None,
        last_done_on=max(dates) if dates else None,
        audience=sum(figures) if figures else None,
        report_count=len(reports),
        evidence_count=sum(1 for r in reports if r.evidence_id is not None or r.evidence_link),
        reminder_count=target.reminder_count,
        last_reminded_at=local_time(target.last_reminded_at),
        reported_at=local_time(target.reported_at),
        is_overdue=pending and today > deadline,
    )


def completion_table(
    campaign: Campaign, *, targets: QuerySet[CampaignTarget] | None = None, today: date | None = None
) -> CompletionTable:
    """One row per target (``targets`` narrows it, e.g. to a person's own) and the summary of those rows.

    ``today`` (a Vietnamese date) defaults to now; a target is overdue when it has not reported and the
    deadline has passed.
    """
    today = today or local_today()
    queryset = targets if targets is not None else campaign.targets.all()
    chosen = list(
        queryset.filter(campaign=campaign)
        .select_related("unit", "organisation")
        .order_by("unit__path", "organisation__name", "id")
    )
    by_target: dict[int, list[CampaignReport]] = {t.pk: [] for t in chosen}
    for report in CampaignReport.objects.filter(target__in=[t.pk for t in chosen]).order_by("done_on", "id"):
        by_target[report.target_id].append(report)
    rows = [_row(t, by_target[t.pk], today, campaign.deadline) for t in chosen]
    reported = sum(1 for r in rows if r.status == TargetStatus.REPORTED)
    pending = len(rows) - reported
    summary = CompletionSummary(
        targets=len(rows),
        reported=reported,
        pending=pending,
        percent=round(100 * reported / len(rows)) if rows else 0,
        deadline=campaign.deadline,
        today=today,
        is_overdue=pending > 0 and today > campaign.deadline,
        days_left=(campaign.deadline - today).days,
    )
    return CompletionTable(campaign=campaign, rows=rows, summary=summary)
