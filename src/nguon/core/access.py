"""Scoped access: the one place that decides what a person may see and do, and where.

A person holds role grants (:class:`nguon.accounts.models.RoleGrant`); each grant binds a role to a unit
subtree (a province, a commune, a residential unit — and everything below it), to an organisation, or,
for system administrators only, to the whole installation. A role is a set of *actions* (dotted names).

Every list and fetch in the UI, the API, the admin and the CLI goes through :func:`scope` (querysets) or
:func:`get_scoped_or_404` (single objects); a model declares how it is scoped with an ``access_scope``
class attribute. Missing and forbidden objects both raise :class:`django.http.Http404`, so an outsider
cannot tell them apart. Grants of roles that require two-factor authentication count only in a session
that passed the TOTP step (``user.is_2fa_verified``, set by the accounts middleware).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from nguon.accounts.choices import Role

if TYPE_CHECKING:
    from nguon.accounts.models import User
    from nguon.units.models import AdministrativeUnit, Organisation

M = TypeVar("M", bound=Model)


class SystemActor:
    """The installation itself acting (CLI commands, migrations, scheduled tasks): not a person.

    Services accept it as ``actor``; it passes every check and is recorded in the audit trail by name.
    """

    is_authenticated = True
    is_active = True
    is_2fa_verified = True
    pk = None

    def __init__(self, label: str = "system") -> None:
        self.label = label

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()


@dataclass(frozen=True)
class Scope:
    """How a model's rows are placed: the lookup to a unit ``path`` and/or to an organisation id."""

    unit_path: str | None = None
    organisation: str | None = None


# -- actions --------------------------------------------------------------------------------------------
# Foundation actions; later domains add theirs here so that the whole matrix stays reviewable on one page.
UNITS_VIEW = "units.view"
UNITS_MANAGE_RESIDENTIAL = "units.manage_residential"
ORGANISATIONS_VIEW = "organisations.view"
ORGANISATIONS_MANAGE = "organisations.manage"
ACCOUNTS_VIEW = "accounts.view"
ACCOUNTS_MANAGE = "accounts.manage"
AUDIT_VIEW = "audit.view"
ADMIN_SITE = "admin.site"
CONTENT_VIEW = "content.view"
CONTENT_WRITE = "content.write"
CONTENT_APPRAISE = "content.appraise"
CONTENT_APPROVE = "content.approve"
CONTENT_RECEIVE = "content.receive"  # decide on bulletins sent down to a commune (TT39)
CAMPAIGNS_ISSUE = "campaigns.issue"
CAMPAIGNS_REPORT = "campaigns.report"
BROADCAST_OPERATE = "broadcast.operate"  # programmes, play-now, live in a commune
BROADCAST_EMERGENCY = "broadcast.emergency"  # order (and second-approve) emergency broadcasts
BOARDS_MANAGE = "boards.manage"  # e-board content: items, playlists, schedules of a commune's boards
FEEDBACK_HANDLE = (
    "feedback.handle"  # read feedback with the citizen's personal data, route, note, draft answers
)
FEEDBACK_APPROVE = "feedback.approve"  # approve and publish answers, decline feedback
FEEDBACK_CONFIGURE = (
    "feedback.configure"  # feedback categories (Open311 services), routing rules, API clients
)
DEVICES_VIEW = "devices.view"
DEVICES_MANAGE = "devices.manage"
REPORTS_VIEW = "reports.view"
REPORTS_SUBMIT = "reports.submit"
REPORTS_CONSOLIDATE = "reports.consolidate"  # open and lock report cycles, return or accept communes' reports
SPEECH_USE = "speech.use"
SPEECH_MANAGE_DICTIONARY = "speech.manage_dictionary"
OUTBOUND_CONFIGURE = (
    "outbound.configure"  # outbound destinations (Zalo, Facebook, SMS, e-mail, webhook) and their credentials
)
OUTBOUND_OPERATE = "outbound.operate"  # see the delivery log of outbound channels, resend
TRANSLATIONS_WRITE = "translations.write"  # translate bulletins into foreign and ethnic languages
TRANSLATIONS_PUBLISH = "translations.publish"  # publish a translation to its language section and feeds
COMMENTS_MODERATE = "comments.moderate"  # approve or reject comments on portal items, banned words
PLAN614_MANAGE = "plan614.manage"  # Đề án 614 targets, tasks and their measured or entered values
PLAN614_REPORT = "plan614.report"  # progress updates and evidence on Đề án 614 tasks a unit leads or supports
CENTRALSYNC_MANAGE = "centralsync.manage"  # the upward push to the central system: run, retry, read the log

_READ = frozenset({UNITS_VIEW, ORGANISATIONS_VIEW, REPORTS_VIEW})
_SPEECH = frozenset({SPEECH_USE})
_CONTENT_READ = frozenset({CONTENT_VIEW})

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: _READ
    | {
        UNITS_MANAGE_RESIDENTIAL,
        ORGANISATIONS_MANAGE,
        ACCOUNTS_VIEW,
        ACCOUNTS_MANAGE,
        AUDIT_VIEW,
        ADMIN_SITE,
        DEVICES_VIEW,
        DEVICES_MANAGE,
        SPEECH_USE,
        SPEECH_MANAGE_DICTIONARY,
        FEEDBACK_CONFIGURE,
        OUTBOUND_CONFIGURE,
        OUTBOUND_OPERATE,
        CENTRALSYNC_MANAGE,
    },
    Role.EDITORIAL_BOARD: _READ
    | _SPEECH
    | _CONTENT_READ
    | {
        CONTENT_WRITE,
        CONTENT_APPRAISE,
        SPEECH_MANAGE_DICTIONARY,
        CAMPAIGNS_ISSUE,
        CAMPAIGNS_REPORT,
        BOARDS_MANAGE,
        FEEDBACK_HANDLE,
        REPORTS_CONSOLIDATE,
        OUTBOUND_OPERATE,
        TRANSLATIONS_WRITE,
        TRANSLATIONS_PUBLISH,
        COMMENTS_MODERATE,
        PLAN614_MANAGE,
        PLAN614_REPORT,
    },
    Role.PROVINCIAL_APPROVER: _READ
    | _SPEECH
    | _CONTENT_READ
    | {
        CONTENT_WRITE,
        CONTENT_APPRAISE,
        CONTENT_APPROVE,
        BROADCAST_OPERATE,
        BROADCAST_EMERGENCY,
        SPEECH_MANAGE_DICTIONARY,
        CAMPAIGNS_ISSUE,
        BOARDS_MANAGE,
        FEEDBACK_HANDLE,
        FEEDBACK_APPROVE,
        FEEDBACK_CONFIGURE,
        REPORTS_CONSOLIDATE,
        OUTBOUND_CONFIGURE,
        OUTBOUND_OPERATE,
        TRANSLATIONS_PUBLISH,
        COMMENTS_MODERATE,
        PLAN614_MANAGE,
        PLAN614_REPORT,
        CENTRALSYNC_MANAGE,
    },
    Role.DEPARTMENT_CONTRIBUTOR: _READ
    | _SPEECH
    | _CONTENT_READ
    | {CONTENT_WRITE, CAMPAIGNS_ISSUE, CAMPAIGNS_REPORT, FEEDBACK_HANDLE, PLAN614_REPORT},
    Role.TRANSLATOR: _READ | _CONTENT_READ | {TRANSLATIONS_WRITE},
    Role.COMMUNE_EDITOR: _READ
    | _SPEECH
    | _CONTENT_READ
    | {
        CONTENT_WRITE,
        CONTENT_RECEIVE,
        UNITS_MANAGE_RESIDENTIAL,
        REPORTS_SUBMIT,
        CAMPAIGNS_ISSUE,
        CAMPAIGNS_REPORT,
        BOARDS_MANAGE,
        FEEDBACK_HANDLE,
        COMMENTS_MODERATE,
        PLAN614_REPORT,
    },
    Role.COMMUNE_APPROVER: _READ
    | _SPEECH
    | _CONTENT_READ
    | {
        CONTENT_WRITE,
        CONTENT_APPROVE,
        CONTENT_RECEIVE,
        CAMPAIGNS_ISSUE,
        CAMPAIGNS_REPORT,
        BROADCAST_OPERATE,
        BROADCAST_EMERGENCY,
        UNITS_MANAGE_RESIDENTIAL,
        REPORTS_SUBMIT,
        ACCOUNTS_VIEW,
        BOARDS_MANAGE,
        FEEDBACK_HANDLE,
        FEEDBACK_APPROVE,
        OUTBOUND_OPERATE,
        COMMENTS_MODERATE,
        PLAN614_REPORT,
    },
    Role.COMMUNE_OPERATOR: _READ
    | _SPEECH
    | _CONTENT_READ
    | {BROADCAST_OPERATE, DEVICES_VIEW, CONTENT_RECEIVE, CAMPAIGNS_REPORT, BOARDS_MANAGE},
    Role.TECHNICIAN: _READ | {DEVICES_VIEW, DEVICES_MANAGE},
    Role.AUDITOR: _READ | _CONTENT_READ | {AUDIT_VIEW, ACCOUNTS_VIEW},
    Role.VIEWER: _READ | _CONTENT_READ,
}

#: Roles whose grants count only in a session verified with TOTP: approvers and administrators.
ROLES_REQUIRING_2FA = frozenset({Role.SYSTEM_ADMIN, Role.PROVINCIAL_APPROVER, Role.COMMUNE_APPROVER})

#: Roles that may be granted on the whole installation (no unit, no organisation).
ROLES_ALLOWED_GLOBAL = frozenset({Role.SYSTEM_ADMIN})


@dataclass(frozen=True)
class Grant:
    """A role grant reduced to what access decisions need."""

    role: str
    unit_path: str | None
    organisation_id: int | None
    organisation_unit_path: str | None

    @property
    def is_global(self) -> bool:
        return self.unit_path is None and self.organisation_id is None


def requires_2fa(user: User) -> bool:
    """True when any active grant of ``user`` is of a role that needs two-factor authentication."""
    return any(grant.role in ROLES_REQUIRING_2FA for grant in _all_grants(user))


def _all_grants(user: User) -> list[Grant]:
    # Cached on the instance for the rest of the request (a fresh User object per request).
    cached: list[Grant] | None = user.__dict__.get("_nguon_grants")
    if cached is not None:
        return cached
    from nguon.accounts.selectors import list_active_grants

    grants = [
        Grant(
            role=g.role,
            unit_path=g.unit.path if g.unit is not None else None,
            organisation_id=g.organisation_id,
            organisation_unit_path=g.organisation.unit.path if g.organisation is not None else None,
        )
        for g in list_active_grants(user=user)
    ]
    user.__dict__["_nguon_grants"] = grants
    return grants


def forget_grants(user: User) -> None:
    """Drop the per-object grant cache (after grants change within one request or test)."""
    user.__dict__.pop("_nguon_grants", None)


def grants_for(user: User | Any, action: str) -> list[Grant]:
    """The grants of ``user`` that allow ``action`` now (honouring the 2FA rule)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    verified = bool(getattr(user, "is_2fa_verified", False))
    return [
        g
        for g in _all_grants(user)
        if action in ROLE_ACTIONS.get(g.role, frozenset()) and (verified or g.role not in ROLES_REQUIRING_2FA)
    ]


def has_action(user: User | Any, action: str) -> bool:
    """True when ``user`` may do ``action`` somewhere."""
    if isinstance(user, SystemActor):
        return True
    return bool(grants_for(user, action))


def _grant_q(grant: Grant, spec: Scope) -> Q | None:
    if grant.is_global:
        return Q()
    if grant.organisation_id is not None:
        if spec.organisation is not None:
            return Q(**{spec.organisation: grant.organisation_id})
        # An organisation's people see unit-placed data of the unit their organisation belongs to.
        if spec.unit_path is not None and grant.organisation_unit_path:
            return Q(**{f"{spec.unit_path}__startswith": grant.organisation_unit_path})
        return None
    if spec.unit_path is not None and grant.unit_path is not None:
        return Q(**{f"{spec.unit_path}__startswith": grant.unit_path})
    return None


def scope(user: User | Any, queryset: QuerySet[M], action: str) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows ``user`` may ``action``; the one filter every list goes through."""
    if isinstance(user, SystemActor):
        return queryset
    spec: Scope | None = getattr(queryset.model, "access_scope", None)
    if spec is None:
        raise TypeError(f"{queryset.model.__name__} declares no access_scope")
    condition: Q | None = None
    for grant in grants_for(user, action):
        q = _grant_q(grant, spec)
        if q is None:
            continue
        if not q:  # a global grant: everything
            return queryset
        condition = q if condition is None else condition | q
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def get_scoped_or_404(user: User | Any, queryset: QuerySet[M], action: str, **lookup: Any) -> M:
    """Fetch one row ``user`` may ``action``; missing and forbidden both raise Http404."""
    try:
        return scope(user, queryset, action).get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError):
        raise Http404 from None


def can(
    user: User | Any,
    action: str,
    *,
    unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
) -> bool:
    """May ``user`` do ``action`` on something placed at ``unit`` and/or owned by ``organisation``?"""
    if isinstance(user, SystemActor):
        return True
    for grant in grants_for(user, action):
        if grant.is_global:
            return True
        if grant.organisation_id is not None:
            if organisation is not None and organisation.pk == grant.organisation_id:
                return True
            if (
                organisation is None
                and unit is not None
                and grant.organisation_unit_path
                and unit.path.startswith(grant.organisation_unit_path)
            ):
                return True
            continue
        target_path = unit.path if unit is not None else (organisation.unit.path if organisation else None)
        if (
            grant.unit_path is not None
            and target_path is not None
            and target_path.startswith(grant.unit_path)
        ):
            return True
    return False


def require(
    user: User | Any,
    action: str,
    *,
    unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
) -> None:
    """Raise Http404 unless :func:`can`; used by services before every write."""
    if not can(user, action, unit=unit, organisation=organisation):
        raise Http404


def acting_unit(user: User | Any, action: str) -> AdministrativeUnit | None:
    """The unit where ``user`` does ``action`` by default: the place of their first grant for it (the
    installation's province for a global grant). Work created from generic pages is placed there."""
    from django.conf import settings

    from nguon.units.models import AdministrativeUnit

    for grant in grants_for(user, action):
        path = grant.unit_path or grant.organisation_unit_path
        if path is None:  # global
            path = f"{settings.NGUON_PROVINCE_CODE}/"
        unit = AdministrativeUnit.objects.filter(path=path).first()
        if unit is not None:
            return unit
    return None


def path_prefixes(path: str) -> list[str]:
    """Every ancestor path of a materialised unit path, itself included: "19/05569/" → ["19/", "19/05569/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def people_who_can(
    action: str, *, unit: AdministrativeUnit | None = None, organisation: Organisation | None = None
) -> QuerySet[User]:
    """Active people holding a grant that allows ``action`` at ``unit`` / for ``organisation``.

    Used to address notifications ("who must act next"); it ignores the per-session 2FA state, which
    decides whether they may act once they sign in.
    """
    from nguon.accounts.models import User

    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    place = Q(grants__unit__isnull=True, grants__organisation__isnull=True)
    target_path = unit.path if unit is not None else (organisation.unit.path if organisation else None)
    if target_path is not None:
        prefixes = path_prefixes(target_path)
        place |= Q(grants__unit__path__in=prefixes)
        if organisation is None:
            place |= Q(grants__organisation__unit__path__in=prefixes)
    if organisation is not None:
        place |= Q(grants__organisation=organisation)
    # One filter() call, so every condition applies to the same grant row.
    grant = Q(grants__revoked_at__isnull=True, grants__role__in=roles) & place
    return User.objects.filter(grant, is_active=True).distinct()
