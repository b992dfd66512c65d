"""``nguon demo load`` is idempotent and gives one working account per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nguon.accounts.models import RoleGrant, TOTPDevice, User
from nguon.core import audit
from nguon.core.access import ROLES_REQUIRING_2FA
from nguon.demo import data
from nguon.demo.portal import EXTRA_BULLETINS
from nguon.units.models import AdministrativeUnit, Organisation

pytestmark = pytest.mark.django_db


def test_demo_load_twice_gives_the_same_province():
    call_command("demo", "load", stdout=io.StringIO())
    counts = (
        User.objects.count(),
        RoleGrant.objects.count(),
        Organisation.objects.count(),
        AdministrativeUnit.objects.filter(level="residential").count(),
    )
    call_command("demo", "load", stdout=io.StringIO())
    assert counts == (
        User.objects.count(),
        RoleGrant.objects.count(),
        Organisation.objects.count(),
        AdministrativeUnit.objects.filter(level="residential").count(),
    )
    assert counts[0] == len(data.USERS)
    assert {g.role for g in RoleGrant.objects.all()} == {u[2] for u in data.USERS}
    for username, _name, role, _unit, _org in data.USERS:
        has_device = TOTPDevice.objects.filter(user__username=username, confirmed_at__isnull=False).exists()
        assert has_device is (role in ROLES_REQUIRING_2FA)
    assert Organisation.objects.get(code="so-tttt-19").successor.code == "so-khcn-19"
    assert audit.verify().ok


def test_demo_totp_prints_a_code():
    call_command("demo", "load", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "totp", "quantri", stdout=out)
    assert out.getvalue().strip().isdigit()
    with pytest.raises(CommandError):
        call_command("demo", "totp", "not-a-demo-user", stdout=io.StringIO())


def test_demo_refuses_production(settings):
    settings.NGUON_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo", "load", stdout=io.StringIO())


def test_demo_bulletins_show_each_workflow_stage():
    from nguon.content.models import Bulletin, InboxEntry
    from nguon.feedback.models import Answer

    call_command("demo", "load", stdout=io.StringIO())
    call_command("demo", "load", stdout=io.StringIO())
    aired = Answer.objects.filter(bulletin__isnull=False).values_list("bulletin", flat=True)
    assert len(aired) == 1  # the demo feedback answer that went on air became a bulletin of its own
    first = Bulletin.objects.exclude(pk__in=aired).exclude(title__in=[s["title"] for s in EXTRA_BULLETINS])
    statuses = sorted(first.values_list("status", flat=True))
    assert statuses == ["distributed", "draft", "submitted"]
    warning = first.get(status="distributed")
    communes = AdministrativeUnit.objects.filter(path__startswith="19/", level="commune", is_current=True)
    assert InboxEntry.objects.filter(bulletin=warning).count() == communes.count() == 92
    assert InboxEntry.objects.get(bulletin=warning, unit__code=data.COMMUNE).status == "pending"


def test_demo_portal_has_translations_and_moderated_comments():
    from nguon.comments.models import Comment
    from nguon.portal.selectors import list_public

    call_command("demo", "load", stdout=io.StringIO())
    call_command("demo", "load", stdout=io.StringIO())  # loading twice adds nothing
    # the flood warning, the aired answer to a feedback, and the extra public bulletins
    assert list_public(language="vi").count() == 2 + len(EXTRA_BULLETINS)
    assert list_public(language="en").count() == list_public(language="zh").count() == 2
    statuses = sorted(Comment.objects.values_list("status", flat=True))
    assert statuses == ["approved", "pending"]


def test_demo_campaign_reaches_the_residential_groups():
    from nguon.content.models import Campaign

    call_command("demo", "load", stdout=io.StringIO())
    call_command("demo", "load", stdout=io.StringIO())
    campaign = Campaign.objects.get()
    assert campaign.status == "issued"
    assert campaign.targets.count() == 5
    assert campaign.targets.filter(status="reported").count() == 1


def test_demo_radio_programmes_fill_the_calendar_once():
    from django.utils import timezone

    from nguon.radio.models import BroadcastSettings, Occurrence, Programme

    call_command("demo", "load", stdout=io.StringIO())
    call_command("demo", "load", stdout=io.StringIO())
    assert Programme.objects.filter(unit__code=data.COMMUNE).count() == 3
    assert Programme.objects.filter(unit__code=data.OTHER_COMMUNE).count() == 1
    week = timezone.now() + timezone.timedelta(days=7)
    morning = Occurrence.objects.filter(
        programme__title="Chương trình phát thanh buổi sáng",
        programme__unit__code=data.COMMUNE,
        starts_at__lte=week,
    )
    assert 6 <= morning.count() <= 8  # one a day over the seven-day horizon
    assert BroadcastSettings.objects.get(unit__code=data.COMMUNE).fallback_blob is not None


def test_demo_has_one_past_emergency_published_as_cap():
    from nguon.radio.choices import EmergencyStatus
    from nguon.radio.models import CapMessage, EmergencyOrder

    call_command("demo", "load", stdout=io.StringIO())
    call_command("demo", "load", stdout=io.StringIO())
    order = EmergencyOrder.objects.get()
    assert order.status == EmergencyStatus.STOPPED
    assert order.broadcast is not None
    assert order.broadcast.devices.count() == 3  # the three demo clusters of Định Hóa
    assert sorted(CapMessage.objects.filter(order=order).values_list("msg_type", flat=True)) == [
        "Alert",
        "Cancel",
    ]
