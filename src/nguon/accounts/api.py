"""API: who am I and what may I do."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from nguon.accounts.selectors import list_active_grants
from nguon.core import access

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    role_label: str
    unit_code: str | None
    unit_name: str | None
    organisation_code: str | None
    effective: bool


class MeOut(Schema):
    username: str
    full_name: str
    two_factor_verified: bool
    grants: list[GrantOut]
    actions: list[str]


@router.get("/me", response=MeOut, summary="The signed-in person, their grants and allowed actions")
def me(request: HttpRequest) -> Any:
    user = request.user
    verified = bool(getattr(user, "is_2fa_verified", False))
    grants = [
        GrantOut(
            role=g.role,
            role_label=g.get_role_display(),
            unit_code=g.unit.code if g.unit else None,
            unit_name=g.unit.full_name if g.unit else None,
            organisation_code=g.organisation.code if g.organisation else None,
            effective=verified or g.role not in access.ROLES_REQUIRING_2FA,
        )
        for g in list_active_grants(user=user)  # type: ignore[arg-type]
    ]
    actions = sorted({a for g in grants if g.effective for a in access.ROLE_ACTIONS.get(g.role, frozenset())})
    return MeOut(
        username=user.get_username(),
        full_name=getattr(user, "full_name", ""),
        two_factor_verified=verified,
        grants=grants,
        actions=actions,
    )
