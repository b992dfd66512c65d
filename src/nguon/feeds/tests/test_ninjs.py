"""IPTC ninjs 2.1: every document validates against the vendored official schema; mapping of fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker

from nguon.content.choices import Priority
from nguon.content.services import workflow
from nguon.feeds import links
from nguon.portal.selectors import list_public

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "ninjs-schema_2.1.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def _valid(document: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []


def _item(client: Any, pk: int, **query: str) -> Any:
    response = client.get(reverse("feeds:ninjs-item", kwargs={"pk": pk}), query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response


def test_the_vendored_schema_is_the_official_2_1_and_rejects_nonsense() -> None:
    assert SCHEMA["$id"] == "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json#"
    Draft202012Validator.check_schema(SCHEMA)
    assert list(VALIDATOR.iter_errors({"uri": "tag:x,2025:a", "pubstatus": "withdrawn"}))
    assert list(VALIDATOR.iter_errors({"uri": "tag:x,2025:a", "body_html": "<p>x</p>"}))
    assert list(VALIDATOR.iter_errors({"type": "text"}))  # uri is required


def test_an_item_maps_every_field_and_validates(
    client: Any, publish: Callable[..., Any], commune: Any
) -> None:
    b = publish(
        title="Cảnh báo mưa lớn, lũ quét",
        summary="Mưa 80–150 mm.",
        body="<p>Đề nghị nhân dân không qua ngầm tràn.</p><script>x()</script>",
        priority=Priority.EMERGENCY,
    )
    document = json.loads(_item(client, b.pk).content)
    _valid(document)
    assert document["uri"] == links.bulletin_tag(b.pk)
    assert document["type"] == "text"
    assert document["version"] == "1"
    assert document["pubstatus"] == "usable"
    assert document["urgency"] == 1
    assert document["language"] == "vi"
    assert document["firstcreated"] == b.first_distributed_at.isoformat()
    assert document["versioncreated"] == b.distributed_at.isoformat()
    assert document["headlines"] == [
        {"role": "main", "contenttype": "text/plain", "value": "Cảnh báo mưa lớn, lũ quét"}
    ]
    assert document["descriptions"][0]["value"] == "Mưa 80–150 mm."
    bodies = {body["contenttype"]: body["value"] for body in document["bodies"]}
    assert bodies["text/html"] == "<p>Đề nghị nhân dân không qua ngầm tràn.</p>"
    assert bodies["text/plain"] == "Đề nghị nhân dân không qua ngầm tràn."
    assert document["subjects"][0]["literal"] == b.category.code
    assert document["subjects"][0]["name"] == b.category.name
    assert document["places"][0]["literal"] == commune.code == "05569"
    assert document["located"] == commune.full_name
    assert document["copyrightholder"] == "Ủy ban nhân dân xã Định Hóa"


@pytest.mark.parametrize(("priority", "urgency"), [(Priority.PRIORITY, 3), (Priority.NORMAL, 5)])
def test_urgency_follows_tt39_priority(
    client: Any, publish: Callable[..., Any], priority: str, urgency: int
) -> None:
    b = publish(title="Tin ưu tiên", priority=priority)
    assert json.loads(_item(client, b.pk).content)["urgency"] == urgency


def test_the_list_validates_item_by_item_and_follows_the_section(
    client: Any, publish: Callable[..., Any], translate: Callable[..., Any], correct: Callable[..., Any]
) -> None:
    first = publish(title="Tin thứ nhất")
    second = publish(title="Tin thứ hai")
    translate(first, "en", "First bulletin", "<p>English <em>text</em>.</p>")
    vi = json.loads(client.get(reverse("feeds:ninjs-list", kwargs={"lang": "vi"})).content)
    assert [d["uri"] for d in vi["items"]] == [links.bulletin_tag(b.pk) for b in list_public(language="vi")]
    assert [d["altids"][0]["value"] for d in vi["items"]] == [str(second.pk), str(first.pk)]
    for document in vi["items"]:
        _valid(document)
    en = json.loads(client.get(reverse("feeds:ninjs-list", kwargs={"lang": "en"})).content)
    assert len(en["items"]) == 1
    _valid(en["items"][0])
    assert en["items"][0]["language"] == "en"
    assert en["items"][0]["headlines"][0]["value"] == "First bulletin"
    assert en["items"][0]["uri"] == links.bulletin_tag(first.pk, "en")
    translated = json.loads(_item(client, first.pk, lang="en").content)
    _valid(translated)
    assert translated["headlines"][0]["value"] == "First bulletin"
    correct(first, title="Tin thứ nhất (đính chính)")
    assert json.loads(client.get(reverse("feeds:ninjs-list", kwargs={"lang": "en"})).content)["items"] == []
    stale = json.loads(_item(client, first.pk, lang="en").content)  # falls back to the original
    _valid(stale)
    assert stale["language"] == "vi"
    assert stale["version"] == "2"
    assert stale["headlines"][0]["value"] == "Tin thứ nhất (đính chính)"


def test_a_withdrawn_item_answers_canceled_and_leaves_the_list(
    client: Any, people: Any, publish: Callable[..., Any]
) -> None:
    b = publish(title="Tin sẽ bị thu hồi")
    etag = _item(client, b.pk)["ETag"]
    workflow.withdraw(actor=people.commune_approver, bulletin=b, reason="Sai số liệu")
    b.refresh_from_db()
    response = client.get(reverse("feeds:ninjs-item", kwargs={"pk": b.pk}), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    document = json.loads(response.content)
    _valid(document)
    assert document["pubstatus"] == "canceled"
    assert document["uri"] == links.bulletin_tag(b.pk)
    assert document["versioncreated"] == b.withdrawn_at.isoformat()
    assert "headlines" not in document
    assert "bodies" not in document
    assert b"Tin s\xe1\xba\xbd b\xe1\xbb\x8b thu h\xe1\xbb\x93i" not in response.content
    again = client.get(reverse("feeds:ninjs-item", kwargs={"pk": b.pk}), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert json.loads(client.get(reverse("feeds:ninjs-list", kwargs={"lang": "vi"})).content)["items"] == []


def test_a_bulletin_never_public_is_404(client: Any, people: Any, bulletin_input: Callable[..., Any]) -> None:
    from nguon.content.choices import TargetScope
    from nguon.content.services import bulletins

    draft = bulletins.create_bulletin(
        actor=people.commune_editor, data=bulletin_input(target_scope=TargetScope.COMMUNES)
    )
    assert client.get(reverse("feeds:ninjs-item", kwargs={"pk": draft.pk})).status_code == 404
    workflow.withdraw(actor=people.commune_editor, bulletin=draft, reason="Không dùng")
    assert client.get(reverse("feeds:ninjs-item", kwargs={"pk": draft.pk})).status_code == 404


def test_item_conditional_get(client: Any, publish: Callable[..., Any], correct: Callable[..., Any]) -> None:
    b = publish(title="Tin có ETag")
    first = _item(client, b.pk)
    assert first["Cache-Control"] == "public, max-age=60"
    url = reverse("feeds:ninjs-item", kwargs={"pk": b.pk})
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    correct(b, title="Tin có ETag (đính chính)")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
