"""Idempotency-Key on API writes: a retry replays the first response and has no second effect."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.content.models import Bulletin

pytestmark = pytest.mark.django_db

URL = "/api/v1/content/bulletins"
BODY = {
    "title": "Thông báo cắt điện",
    "category": "san-pham-dich-vu",
    "body": "Cắt điện 8h ngày 2/12.",
    "target_scope": "communes",
}


@pytest.fixture
def editor_client(client: Any, make_user: Any, commune: Any) -> Any:
    client.force_login(make_user(Role.COMMUNE_EDITOR, unit=commune))
    return client


def _post(client: Any, body: dict[str, Any], key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, body, content_type="application/json", **headers)


def test_retry_with_the_same_key_replays_and_creates_once(editor_client: Any) -> None:
    first = _post(editor_client, BODY, "k-123")
    second = _post(editor_client, BODY, "k-123")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Bulletin.objects.count() == 1


def test_same_key_with_another_request_is_refused(editor_client: Any) -> None:
    _post(editor_client, BODY, "k-1")
    other = _post(editor_client, {**BODY, "title": "Khác"}, "k-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Bulletin.objects.count() == 1


def test_without_a_key_each_request_acts(editor_client: Any) -> None:
    _post(editor_client, BODY, None)
    _post(editor_client, BODY, None)
    assert Bulletin.objects.count() == 2


def test_a_validation_error_is_replayed_too(editor_client: Any) -> None:
    bad = {**BODY, "title": ""}
    assert _post(editor_client, bad, "k-bad").status_code == 422
    again = _post(editor_client, bad, "k-bad")
    assert again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"
    assert Bulletin.objects.count() == 0


def test_keys_are_per_person(editor_client: Any, make_user: Any, commune: Any, client: Any) -> None:
    _post(editor_client, BODY, "shared")
    client.force_login(make_user(Role.COMMUNE_EDITOR, unit=commune))
    assert _post(client, BODY, "shared").status_code == 201
    assert Bulletin.objects.count() == 2
