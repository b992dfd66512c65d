"""The translation screens (work list, side-by-side editor with the source diff) and the API."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.translations import services
from nguon.translations.models import Translation
from nguon.translations.tests.helpers import correct, public_bulletin

pytestmark = pytest.mark.django_db
API = "/api/v1/translations"


@pytest.fixture
def live(people: Any, department: Any, bulletin_input: Any, commune: Any) -> Any:
    return public_bulletin(people, department, bulletin_input, commune)


def test_work_list_and_editor_flow(sign_in: Any, translator: Any, live: Any) -> None:
    client = sign_in(translator)
    page = client.get("/translations/?language=en")
    assert page.status_code == 200
    assert live.title in page.content.decode()
    assert "Chưa dịch" in page.content.decode()

    url = f"/translations/{live.pk}/en/"
    editor = client.get(url)
    assert editor.status_code == 200
    assert "Bắt đầu dịch" in editor.content.decode()
    assert client.post(url, {"step": "start"}).status_code == 302
    refused = client.post(url, {"step": "save", "title": "", "body": "x"})
    assert refused.status_code == 422
    saved = client.post(url, {"step": "save", "title": "Press scheme", "summary": "", "body": "<p>Text</p>"})
    assert saved.status_code == 302
    t = Translation.objects.get(bulletin=live, language="en")
    assert (t.title, t.body) == ("Press scheme", "<p>Text</p>")
    assert client.post(url, {"step": "submit"}).status_code == 302
    assert client.post(url, {"step": "publish"}).status_code == 404  # a translator does not publish
    listed = client.get("/translations/?language=en&state=review").content.decode()
    assert "Chờ duyệt bản dịch" in listed
    assert live.title in listed


def test_editor_shows_the_source_diff_when_stale_and_publish_is_refused(
    sign_in: Any, translator: Any, people: Any, live: Any, bulletin_input: Any, commune: Any
) -> None:
    t = services.start_translation(actor=translator, bulletin=live, language="en")
    services.save_draft(
        actor=translator, translation=t, text=services.TranslationText(title="T", body="<p>Body</p>")
    )
    services.submit_for_review(actor=translator, translation=t)
    correct(people, live, bulletin_input, commune, "<p>Ngày đúng là 29/3/2024.</p>")
    client = sign_in(people.approver)
    page = client.get(f"/translations/{live.pk}/en/").content.decode()
    assert "Cần cập nhật (bản gốc đã đính chính)" in page
    assert (
        "<del>Ủy ban nhân dân tỉnh đề nghị các xã tuyên truyền nội dung Quyết định 614.</del>"
        "<ins>Ngày đúng là 29/3/2024.</ins>"
    ) in page
    refused = client.post(f"/translations/{live.pk}/en/", {"step": "publish"})
    assert refused.status_code == 422
    assert "Bản gốc đã được đính chính, cần cập nhật bản dịch trước khi xuất bản" in refused.content.decode()
    stale_list = client.get("/translations/?language=en&state=stale").content.decode()
    assert live.title in stale_list


def test_outsiders_get_404(sign_in: Any, people: Any, live: Any) -> None:
    client = sign_in(people.commune_editor)
    assert client.get("/translations/").status_code == 404
    assert client.get(f"/translations/{live.pk}/en/").status_code == 404
    assert client.get(f"{API}/{live.pk}/en").status_code == 404


def test_api_put_get_list_publish(sign_in: Any, translator: Any, people: Any, live: Any) -> None:
    client = sign_in(translator)
    body = {"title": "Press scheme", "summary": "S", "body": "<p>Text</p><img src=x onerror=alert(1)>"}
    put = client.put(f"{API}/{live.pk}/en", body, content_type="application/json")
    assert put.status_code == 200, put.content
    data = put.json()
    assert (data["status"], data["body"], data["source_revision"], data["is_stale"]) == (
        "draft",
        "<p>Text</p>",
        1,
        False,
    )
    bad = client.put(f"{API}/{live.pk}/vi", body, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid"
    assert client.post(f"{API}/{live.pk}/en/submit").status_code == 200
    listed = client.get(f"{API}/?language=en").json()
    assert listed["count"] == Translation.objects.filter(language="en").count() == 1
    assert listed["items"][0]["status"] == "review"

    approver = sign_in(people.approver)
    published = approver.post(f"{API}/{live.pk}/en/publish", {}, content_type="application/json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    again = approver.post(f"{API}/{live.pk}/en/publish", {}, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["message"] == "Bản dịch đã được xuất bản."
    assert approver.get(f"{API}/{live.pk}/en").json()["published_at"] is not None
