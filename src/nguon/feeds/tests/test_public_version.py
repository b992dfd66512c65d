"""The public-data version: every change the public can see moves the lists' ETags, a revalidation is one
primary-key read, and nothing else moves it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nguon.accounts.choices import Role
from nguon.content.models import Category
from nguon.content.services import workflow
from nguon.feeds.models import PublicVersion
from nguon.feeds.services import bump_public_version
from nguon.portal.selectors import list_public
from nguon.translations import services as translations
from nguon.translations.choices import TranslationStatus

pytestmark = pytest.mark.django_db

#: The lists whose ETags follow the version: the API list and a feed, in Vietnamese and English.
LISTS = (
    "/api/public/v1/bulletins",
    "/api/public/v1/bulletins?language=en",
    "/feeds/vi/rss.xml",
    "/feeds/en/atom.xml",
)
TEXT = translations.TranslationText(
    title="Vaccination schedule for December",
    summary="At the commune health station.",
    body="<p>Children under five are vaccinated on Monday.</p>",
)


def _etags(client: Any) -> dict[str, str]:
    etags = {}
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        etags[url] = response["ETag"]
    return etags


def _assert_moved(client: Any, before: dict[str, str]) -> dict[str, str]:
    """Every list answers 200 to the old ETag, with a new ETag; return the new ones."""
    after = {}
    for url, etag in before.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, url
        assert response["ETag"] != etag, url
        after[url] = response["ETag"]
    return after


def _assert_unchanged(client: Any, before: dict[str, str]) -> None:
    for url, etag in before.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def _number() -> int:
    return PublicVersion.objects.get().number


@pytest.fixture
def translator(make_user: Any, province: Any) -> Any:
    return make_user(Role.TRANSLATOR, unit=province)


@pytest.fixture
def live(publish: Callable[..., Any]) -> Any:
    return publish(title="Lịch tiêm chủng tháng 12", summary="Tại trạm y tế xã.")


@pytest.fixture
def published(live: Any, translator: Any, people: Any) -> Any:
    """An English translation of ``live``, published through the translation services."""
    t = translations.start_translation(actor=translator, bulletin=live, language="en")
    translations.save_draft(actor=translator, translation=t, text=TEXT)
    translations.submit_for_review(actor=translator, translation=t)
    return translations.publish(actor=people.approver, translation=t)


def en_ids() -> set[int]:
    return set(list_public(language="en").values_list("pk", flat=True))


def test_the_migration_made_the_row_and_a_bump_is_one_statement() -> None:
    row = PublicVersion.objects.get()
    assert row.pk == 1
    with CaptureQueriesContext(connection) as queries:
        bump_public_version()
    assert len(queries.captured_queries) == 1
    again = PublicVersion.objects.get()
    assert again.number == row.number + 1
    assert again.changed_at >= row.changed_at
    with CaptureQueriesContext(connection) as queries:
        bump_public_version(when=False)
    assert queries.captured_queries == []
    assert _number() == row.number + 1


def test_a_bump_recreates_a_missing_row() -> None:
    PublicVersion.objects.all().delete()
    bump_public_version()
    bump_public_version()
    assert _number() == 2


def test_revalidation_is_one_primary_key_read_and_unchanged_data_is_304(client: Any, live: Any) -> None:
    etags = _etags(client)
    for url, etag in etags.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response["ETag"] == etag
        assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
        assert "feeds_publicversion" in queries.captured_queries[0]["sql"]
    assert _etags(client) == etags


def test_a_new_bulletin_distributed_moves_the_etags(
    client: Any, live: Any, publish: Callable[..., Any]
) -> None:
    etags = _etags(client)
    number = _number()
    fresh = publish(title="Thông báo mới")
    assert _number() == number + 1
    _assert_moved(client, etags)
    assert fresh.pk in set(list_public(language="vi").values_list("pk", flat=True))


def test_a_correction_moves_the_etags(client: Any, live: Any, correct: Callable[..., Any]) -> None:
    etags = _etags(client)
    corrected = correct(live, title="Lịch tiêm chủng tháng 12 (đính chính)")
    assert corrected.live_revision == 2
    _assert_moved(client, etags)


def test_a_withdrawal_moves_the_etags(
    client: Any, live: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    etags = _etags(client)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(actor=people.commune_approver, bulletin=live, reason="Trùng lặp")
    _assert_moved(client, etags)
    assert not list_public(language="vi").exists()


def test_translation_published_unpublished_and_taken_off_by_an_edit(
    client: Any,
    live: Any,
    translator: Any,
    people: Any,
) -> None:
    t = translations.start_translation(actor=translator, bulletin=live, language="en")
    translations.save_draft(actor=translator, translation=t, text=TEXT)
    translations.submit_for_review(actor=translator, translation=t)
    etags = _etags(client)
    translations.publish(actor=people.approver, translation=t)
    assert en_ids() == {live.pk}
    etags = _assert_moved(client, etags)

    translations.unpublish(actor=people.approver, translation=t, reason="Sai thuật ngữ")
    assert en_ids() == set()
    etags = _assert_moved(client, etags)

    # A draft save of a translation that is not public changes nothing the public sees.
    translations.save_draft(actor=translator, translation=t, text=TEXT)
    _assert_unchanged(client, etags)

    translations.submit_for_review(actor=translator, translation=t)
    translations.publish(actor=people.approver, translation=t)
    etags = _assert_moved(client, etags)
    translations.save_draft(actor=translator, translation=t, text=TEXT)  # takes it off the section
    t.refresh_from_db()
    assert t.status == TranslationStatus.DRAFT
    assert en_ids() == set()
    _assert_moved(client, etags)


def test_a_translation_made_stale_by_a_correction_moves_the_etags(
    client: Any, live: Any, published: Any, correct: Callable[..., Any]
) -> None:
    assert en_ids() == {live.pk}
    etags = _etags(client)
    correct(live, body="<p>Lịch đã đổi sang thứ Ba.</p>")
    assert en_ids() == set()  # the translation is stale: it left the English section
    _assert_moved(client, etags)


def test_a_category_or_unit_renamed_moves_the_etags(client: Any, live: Any, commune: Any) -> None:
    etags = _etags(client)
    category = Category.objects.get(pk=live.category_id)
    category.name = "Y tế, tiêm chủng"
    category.save()
    etags = _assert_moved(client, etags)
    commune.name = commune.name + " mới"
    commune.save()
    _assert_moved(client, etags)
