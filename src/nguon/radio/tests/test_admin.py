"""The back office shows the radio app read-only, to system administrators only."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role

PAGES = ("programme", "broadcastsettings", "compilationreport", "emergencyorder", "capmessage", "livesession")


def _signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk  # a TOTP-verified session, as the accounts middleware reads it
    session.save()
    return client


@pytest.mark.django_db
def test_every_radio_page_opens_read_only_for_the_administrator(client: Any, make_user: Any) -> None:
    admin = _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    for page in PAGES:
        listing = admin.get(f"/admin/radio/{page}/")
        assert listing.status_code == 200, page
        assert admin.get(f"/admin/radio/{page}/add/").status_code == 403, page


@pytest.mark.django_db
def test_an_operator_has_no_back_office(client: Any, make_user: Any, commune: Any) -> None:
    operator = _signed_in(client, make_user(Role.COMMUNE_OPERATOR, unit=commune))
    assert operator.get("/admin/radio/programme/").status_code in {302, 403, 404}
