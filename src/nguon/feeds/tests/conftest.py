"""Fixtures of the feeds tests: the content fixtures, and bulletins published to the portal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401


@pytest.fixture
def publish(
    people: Any,  # noqa: F811
    bulletin_input: Callable[..., Any],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., Any]:
    """Write, submit and approve a commune bulletin for the portal (and radio); return it refreshed. The
    on-commit receivers run (``bulletin_distributed`` moves the public-data version)."""
    from nguon.content.choices import Channel, TargetScope
    from nguon.content.services import bulletins, workflow

    def make(**overrides: Any) -> Any:
        overrides.setdefault("channels", [Channel.PORTAL, Channel.RADIO])
        overrides.setdefault("target_scope", TargetScope.COMMUNES)
        b = bulletins.create_bulletin(actor=people.commune_editor, data=bulletin_input(**overrides))
        workflow.submit(actor=people.commune_editor, bulletin=b)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approve(actor=people.commune_approver, bulletin=b)
        b.refresh_from_db()
        return b

    return make


@pytest.fixture
def correct(
    people: Any,  # noqa: F811
    bulletin_input: Callable[..., Any],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., Any]:
    """Correct a published commune bulletin with new fields; return it refreshed (live revision moved on).
    The on-commit receivers run."""
    from nguon.content.choices import Channel, TargetScope
    from nguon.content.services import bulletins, workflow

    def make(bulletin: Any, **overrides: Any) -> Any:
        overrides.setdefault("channels", [Channel.PORTAL, Channel.RADIO])
        overrides.setdefault("target_scope", TargetScope.COMMUNES)
        workflow.start_correction(actor=people.commune_editor, bulletin=bulletin, note="Đính chính")
        bulletin.refresh_from_db()
        bulletins.update_bulletin(
            actor=people.commune_editor, bulletin=bulletin, data=bulletin_input(**overrides)
        )
        workflow.submit(actor=people.commune_editor, bulletin=bulletin)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approve(actor=people.commune_approver, bulletin=bulletin)
        bulletin.refresh_from_db()
        return bulletin

    return make


@pytest.fixture
def translate(db: Any) -> Callable[..., Any]:
    """Publish a translation of ``bulletin`` made from its live revision (rows written directly; the
    public-data version moves as :func:`nguon.translations.services.publish` moves it)."""
    from django.utils import timezone

    from nguon.content.html import sanitise, to_text
    from nguon.feeds.services import bump_public_version
    from nguon.translations.choices import TranslationStatus
    from nguon.translations.models import Translation

    def make(bulletin: Any, language: str, title: str, body: str = "<p>Translated text.</p>") -> Any:
        clean = sanitise(body)
        bump_public_version()
        return Translation.objects.create(
            bulletin=bulletin,
            language=language,
            title=title,
            summary="Summary.",
            body=clean,
            body_text=to_text(clean),
            status=TranslationStatus.PUBLISHED,
            source_revision=bulletin.live_revision,
            published_at=timezone.now(),
        )

    return make
