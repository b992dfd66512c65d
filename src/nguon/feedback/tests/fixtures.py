"""Shared set-up of the feedback tests: places, people and a helper that submits feedback."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.access import SYSTEM
from nguon.feedback.choices import Channel
from nguon.feedback.models import Feedback, FeedbackCategory
from nguon.feedback.services.intake import FeedbackInput, submit_feedback
from nguon.units.models import AdministrativeUnit

DINH_HOA = "05569"  # Xã Định Hóa (formerly thị trấn Chợ Chu)
OTHER_COMMUNE = "05443"


def commune(code: str = DINH_HOA) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, level="commune", is_current=True)


@pytest.fixture
def handler(make_user: Any) -> Any:
    """A commune editor of Định Hóa: handles its feedback."""
    return make_user(Role.COMMUNE_EDITOR, unit=commune())


@pytest.fixture
def approver(make_user: Any) -> Any:
    """A commune approver of Định Hóa (2FA verified): approves answers."""
    return make_user(Role.COMMUNE_APPROVER, unit=commune())


@pytest.fixture
def outsider(make_user: Any) -> Any:
    """A commune editor of another commune."""
    return make_user(Role.COMMUNE_EDITOR, unit=commune(OTHER_COMMUNE))


def submit(**overrides: Any) -> Feedback:
    """Submit a valid piece of public web feedback, with ``overrides`` applied to its input."""
    channel = overrides.pop("channel", Channel.WEB)
    ip_address = overrides.pop("ip_address", "203.0.113.7")
    actor = overrides.pop("actor", SYSTEM)
    data = FeedbackInput(
        category=FeedbackCategory.objects.get(code="moi-truong"),
        description="Bãi rác tự phát ở đầu thôn Nà Mỵ bốc mùi, đề nghị xã cho thu gom.",
        unit=commune(),
        reporter_name="Nguyễn Thị Hoà",
        reporter_phone="0912 345 678",
        reporter_email="hoa@example.vn",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return submit_feedback(actor=actor, data=data, channel=channel, ip_address=ip_address)
