"""Fixtures of the portal tests: content's people and bulletin input, and helpers that take bulletins
through the real editorial workflow (draft, distributed to the portal or not, withdrawn, being
corrected) and publish translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from nguon.content.tests import conftest as content_fixtures
from nguon.content.tests.conftest import People

# content's fixtures, shared with its tests
bulletin_input = content_fixtures.bulletin_input
category = content_fixtures.category
department = content_fixtures.department
people = content_fixtures.people

PORTAL = ["radio", "portal"]


@pytest.fixture
def publish(people: People, department: Any, bulletin_input: Callable[..., Any]) -> Callable[..., Any]:
    """A department bulletin through submit → appraise → approve (distributed); for the portal unless
    ``channels`` says otherwise."""
    from nguon.content.models import Bulletin
    from nguon.content.services import bulletins, workflow

    def make(**overrides: Any) -> Bulletin:
        overrides.setdefault("channels", PORTAL)
        b = bulletins.create_bulletin(
            actor=people.contributor, organisation=department, data=bulletin_input(**overrides)
        )
        workflow.submit(actor=people.contributor, bulletin=b)
        workflow.appraise(actor=people.board, bulletin=b)
        workflow.approve(actor=people.approver, bulletin=b)
        return Bulletin.objects.get(pk=b.pk)

    return make


@pytest.fixture
def draft(people: People, department: Any, bulletin_input: Callable[..., Any]) -> Callable[..., Any]:
    from nguon.content.services import bulletins

    def make(**overrides: Any) -> Any:
        overrides.setdefault("channels", PORTAL)
        return bulletins.create_bulletin(
            actor=people.contributor, organisation=department, data=bulletin_input(**overrides)
        )

    return make


@pytest.fixture
def withdraw(people: People) -> Callable[[Any], Any]:
    from nguon.content.services import workflow

    def do(bulletin: Any) -> Any:
        return workflow.withdraw(actor=people.approver, bulletin=bulletin, reason="Thông tin không còn đúng")

    return do


@pytest.fixture
def correct(people: People, bulletin_input: Callable[..., Any]) -> Callable[..., Any]:
    """Start a correction of ``bulletin`` and save the new text; approve it too when ``approve``."""
    from nguon.content.models import Bulletin
    from nguon.content.services import bulletins, workflow

    def do(bulletin: Any, *, approve: bool = False, **overrides: Any) -> Bulletin:
        overrides.setdefault("channels", PORTAL)
        workflow.start_correction(actor=people.contributor, bulletin=bulletin, note="Sai ngày")
        b = Bulletin.objects.get(pk=bulletin.pk)
        b = bulletins.update_bulletin(actor=people.contributor, bulletin=b, data=bulletin_input(**overrides))
        if approve:
            workflow.submit(actor=people.contributor, bulletin=b)
            workflow.appraise(actor=people.board, bulletin=b)
            workflow.approve(actor=people.approver, bulletin=b)
        return Bulletin.objects.get(pk=bulletin.pk)

    return do


@pytest.fixture
def translate() -> Callable[..., Any]:
    """A translation of ``bulletin`` into ``language`` (published unless ``status`` says otherwise),
    made from its live revision unless ``source_revision`` is given.

    The translations app has no services yet, so the row is written directly, as its service will."""
    from nguon.content.html import sanitise, to_text
    from nguon.translations.models import Translation

    def make(bulletin: Any, language: str, title: str, body: str = "", **extra: Any) -> Translation:
        clean = sanitise(body or f"<p>{title}</p>")
        values: dict[str, Any] = {
            "title": title,
            "summary": extra.pop("summary", ""),
            "body": clean,
            "body_text": to_text(clean),
            "status": "published",
            "source_revision": bulletin.live_revision,
            "published_at": timezone.now(),
        }
        values.update(extra)
        return Translation.objects.create(bulletin=bulletin, language=language, **values)

    return make
