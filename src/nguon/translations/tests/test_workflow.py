"""Translations through their services: start, save, submit, publish; stale after a correction; what the
public reads in each language section; notices and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.content.models import Notification
from nguon.core.models import AuditEvent
from nguon.portal import selectors as portal
from nguon.translations import services
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation
from nguon.translations.tests.helpers import correct, public_bulletin

pytestmark = pytest.mark.django_db

TEXT = services.TranslationText(
    title="Implementing Decision 614 on press development",
    summary="Summary of the scheme.",
    body="<p>The provincial People's Committee asks communes to publicise Decision 614.</p>"
    "<script>alert(1)</script>",
)


@pytest.fixture
def live(people: Any, department: Any, bulletin_input: Any, commune: Any) -> Any:
    return public_bulletin(people, department, bulletin_input, commune)


def _published(translator: Any, people: Any, bulletin: Any) -> Translation:
    t = services.start_translation(actor=translator, bulletin=bulletin, language="en")
    services.save_draft(actor=translator, translation=t, text=TEXT)
    services.submit_for_review(actor=translator, translation=t)
    return services.publish(actor=people.approver, translation=t)


def _en_ids() -> set[int]:
    return set(portal.list_public(language="en").values_list("pk", flat=True))


def test_start_refuses_vietnamese_the_own_language_and_non_live_bulletins(
    translator: Any, live: Any, people: Any, department: Any, bulletin_input: Any
) -> None:
    with pytest.raises(ValidationError, match="khác tiếng Việt"):
        services.start_translation(actor=translator, bulletin=live, language="vi")
    with pytest.raises(ValidationError, match="khác tiếng Việt"):
        services.start_translation(actor=translator, bulletin=live, language="klingon")
    from nguon.content.services import bulletins

    draft = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input()
    )
    with pytest.raises(ValidationError, match="đang phát hành"):
        services.start_translation(actor=translator, bulletin=draft, language="en")
    t = services.start_translation(actor=translator, bulletin=live, language="en")
    assert (t.status, t.source_revision, t.translator) == (TranslationStatus.DRAFT, 1, translator)
    with pytest.raises(ValidationError, match="đã có bản dịch"):
        services.start_translation(actor=translator, bulletin=live, language="en")
    assert Translation.objects.filter(bulletin=live).count() == 1


def test_a_commune_editor_cannot_translate(live: Any, people: Any) -> None:
    with pytest.raises(Http404):
        services.start_translation(actor=people.commune_editor, bulletin=live, language="en")


def test_workflow_sanitises_publishes_and_the_english_section_shows_it(
    translator: Any, people: Any, live: Any
) -> None:
    assert live.pk not in _en_ids()
    t = services.start_translation(actor=translator, bulletin=live, language="en")
    saved = services.save_draft(actor=translator, translation=t, text=TEXT)
    assert "<script>" not in saved.body
    assert saved.body.startswith("<p>The provincial")
    assert saved.body_text == "The provincial People's Committee asks communes to publicise Decision 614."
    with pytest.raises(Http404):  # a translator does not publish
        services.publish(actor=translator, translation=t)
    services.submit_for_review(actor=translator, translation=t)
    assert Notification.objects.filter(user=people.approver, kind="translation-review").count() == 1
    assert live.pk not in _en_ids()  # in review: not public yet
    published = services.publish(actor=people.approver, translation=t)
    assert published.status == TranslationStatus.PUBLISHED
    assert published.published_by == people.approver
    assert live.pk in _en_ids()
    item = portal.get_public_item(live.pk, language="en")
    assert (item.title, item.is_translation, item.revision) == (TEXT.title, True, 1)

    actions = list(
        AuditEvent.objects.filter(target_type="translations.translation", target_id=str(t.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "translations.translation.start",
        "translations.translation.save",
        "translations.translation.submit",
        "translations.translation.publish",
    ]


def test_correction_makes_it_stale_hidden_unpublishable_until_brought_up_to_date(
    translator: Any,
    people: Any,
    live: Any,
    bulletin_input: Any,
    commune: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    t = _published(translator, people, live)
    assert live.pk in _en_ids()
    with django_capture_on_commit_callbacks(execute=True):
        correct(people, live, bulletin_input, commune, "<p>Ngày đúng là 29/3/2024.</p>")
    assert live.live_revision == 2
    t.refresh_from_db()
    assert t.is_stale
    assert t.status == TranslationStatus.PUBLISHED  # still marked published, but out of the section
    assert live.pk not in _en_ids()
    item = portal.get_public_item(live.pk, language="en")
    assert item.is_translation is False  # the reader falls back to the Vietnamese live revision
    assert item.body_text == "Ngày đúng là 29/3/2024."

    notes = Notification.objects.filter(kind="translation-stale", bulletin=live)
    assert [n.user for n in notes] == [translator]
    assert "cần cập nhật" in notes[0].message
    assert AuditEvent.objects.filter(
        action="translations.translation.stale", target_id=str(t.pk), after__live_revision=2
    ).exists()

    services.unpublish(actor=people.approver, translation=t, reason="Bản gốc đã đính chính")
    services.save_draft(actor=translator, translation=t, text=TEXT)
    t.refresh_from_db()
    assert t.source_revision == 1
    with pytest.raises(ValidationError, match="Bản gốc đã được đính chính, cần cập nhật bản dịch"):
        services.publish(actor=people.approver, translation=t)
    with pytest.raises(ValidationError, match="Bản gốc đã được đính chính"):
        services.submit_for_review(actor=translator, translation=t)

    fixed = services.TranslationText(title=TEXT.title, body="<p>The correct date is 29/3/2024.</p>")
    services.bring_up_to_date(actor=translator, translation=t, text=fixed)
    t.refresh_from_db()
    assert (t.source_revision, t.is_stale, t.status) == (2, False, TranslationStatus.DRAFT)
    services.submit_for_review(actor=translator, translation=t)
    services.publish(actor=people.approver, translation=t)
    assert live.pk in _en_ids()
    item = portal.get_public_item(live.pk, language="en")
    assert (item.body_text, item.revision) == ("The correct date is 29/3/2024.", 2)


def test_a_plain_redistribution_does_not_notify(translator: Any, people: Any, live: Any) -> None:
    t = _published(translator, people, live)
    from nguon.translations.receivers import on_bulletin_distributed

    on_bulletin_distributed(None, bulletin_id=live.pk, revision=1, correcting=False)
    assert not Notification.objects.filter(kind="translation-stale").exists()
    on_bulletin_distributed(None, bulletin_id=live.pk, revision=1, correcting=True)  # not older: not stale
    assert not Notification.objects.filter(kind="translation-stale").exists()
    t.refresh_from_db()
    assert not t.is_stale


def test_editing_a_published_translation_takes_it_back_to_draft(
    translator: Any, people: Any, live: Any
) -> None:
    t = _published(translator, people, live)
    services.save_draft(
        actor=translator, translation=t, text=services.TranslationText(title="New title", body="<p>x</p>")
    )
    t.refresh_from_db()
    assert t.status == TranslationStatus.DRAFT
    assert live.pk not in _en_ids()
