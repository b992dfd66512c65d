"""Loads the demo province through the same services people use (so it is audited like any write)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from nguon.accounts import services as account_services
from nguon.accounts import two_factor
from nguon.accounts.models import TOTPDevice, User
from nguon.core import access
from nguon.demo import data
from nguon.demo.boards import load_boards
from nguon.demo.content import load_content
from nguon.demo.feedback import load_feedback
from nguon.demo.portal import load_portal
from nguon.demo.radio import load_radio, load_radio_devices
from nguon.demo.totp import demo_totp_secret
from nguon.units import services as unit_services
from nguon.units.models import AdministrativeUnit, Organisation

ACTOR = access.SystemActor("cli:demo load")


class DemoError(RuntimeError):
    pass


def _has_demo_totp(user: User) -> bool:
    """True when ``user`` has a confirmed authenticator holding the demo secret (readable with this key)."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    try:
        return two_factor.decrypt_secret(device.encrypted_secret) == demo_totp_secret(user.username)
    except two_factor.UnreadableSecretError:
        return False


def _unit(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(
        code=code, is_current=True, level__in=["province", "commune"]
    ).first()
    if unit is None:
        raise DemoError(f"Unit {code} is missing: run 'nguon units import' before 'nguon demo load'.")
    return unit


def load(*, say: Callable[[str], None] = lambda _: None) -> list[str]:
    """Create whatever of the demo province is missing; return the demo usernames."""
    if settings.NGUON_ENV == "production":
        raise DemoError("Demo data is never loaded into a production installation (NGUON_ENV=production).")
    with transaction.atomic():
        for code, kind, name, short, org_unit_code, parent, since in data.ORGANISATIONS:
            if not Organisation.objects.filter(code=code).exists():
                unit_services.create_organisation(
                    actor=ACTOR,
                    code=code,
                    kind=kind,
                    name=name,
                    short_name=short,
                    unit=_unit(org_unit_code),
                    parent=Organisation.objects.filter(code=parent).first() if parent else None,
                    valid_from=since,
                )
        for sources, into, when in data.MERGERS:
            pending = list(Organisation.objects.filter(code__in=sources, successor__isnull=True))
            if pending:
                unit_services.merge_organisations(
                    actor=ACTOR, sources=pending, into=Organisation.objects.get(code=into), effective_on=when
                )
        say(f"Organisations: {Organisation.objects.count()}")
        for commune_code, local, name, kind in data.RESIDENTIAL_UNITS:
            unit_services.save_residential_unit(
                actor=ACTOR, commune=_unit(commune_code), local_code=local, name=name, kind=kind
            )
        accounts = []
        for username, full_name, role, unit_code, org_code in data.USERS:
            unit = _unit(unit_code) if unit_code else None
            organisation = Organisation.objects.get(code=org_code) if org_code else None
            user = User.objects.filter(username=username).first()
            if user is None:
                user = account_services.create_user(
                    actor=ACTOR,
                    username=username,
                    password=settings.NGUON_DEMO_PASSWORD,
                    full_name=full_name,
                    home_unit=unit or (organisation.unit if organisation else None),
                    organisation=organisation,
                )
            account_services.grant_role(
                actor=ACTOR, user=user, role=role, unit=unit, organisation=organisation
            )
            if role in access.ROLES_REQUIRING_2FA and not _has_demo_totp(user):
                account_services.set_totp_secret(actor=ACTOR, user=user, secret=demo_totp_secret(username))
            accounts.append(username)
        say(f"Demo accounts: {len(accounts)}")
        load_content(say=say)
        load_radio(say=say)
        load_radio_devices(say=say)
        load_boards(say=say)
        load_feedback(say=say)
        load_portal(say=say)
        _load_plan614(say)
    return accounts


def _load_plan614(say: Callable[[str], None]) -> None:
    """The Đề án 614 targets and annex tasks, measured from the demo's own rows."""
    from nguon.plan614 import seed as plan614_seed
    from nguon.plan614.services import measure_all

    result = plan614_seed.load(actor=ACTOR, province=_unit("19"))
    measure_all(actor=ACTOR)
    say(f"Đề án 614: {result.targets} mục tiêu, {result.tasks} nhiệm vụ mới")
