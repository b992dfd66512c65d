"""The push endpoint (the central system's bearer token, never a session) and the status endpoint."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from unittest.mock import patch

import pytest

from nguon.accounts.choices import Role
from nguon.content.central_client import CentralClient
from nguon.content.choices import Status
from nguon.content.models import Bulletin, CentralIntake, Notification
from nguon.content.tests import central_fake
from nguon.content.tests.central_fake import PUSH_TOKEN, item
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PUSH = "/api/v1/content/central/bulletins"
STATUS = "/api/v1/content/central/status"


@pytest.fixture(autouse=True)
def _push_on(settings: Any) -> None:
    settings.NGUON_CENTRAL_PUSH_TOKEN = PUSH_TOKEN
    settings.NGUON_CENTRAL_URL = ""
    settings.NGUON_CENTRAL_TOKEN = ""
    settings.NGUON_PROVINCE_CODE = "19"


def _push(client: Any, body: Any, token: str | None = PUSH_TOKEN, **headers: str) -> Any:
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False)
    return client.post(PUSH, data, content_type="application/json", **headers)


def test_a_pushed_bulletin_goes_to_the_board_and_a_repeat_changes_nothing(client: Any, people: Any) -> None:
    response = _push(client, {"contract": "1", "item": item("P-1")})
    assert response.status_code == 201, response.content
    body = response.json()
    bulletin = Bulletin.objects.get(external_id="P-1")
    assert body == {"external_id": "P-1", "bulletin_id": bulletin.pk, "result": "created"}
    assert bulletin.status == Status.SUBMITTED
    assert bulletin.source_level == "central"
    assert Notification.objects.filter(user=people.board, bulletin=bulletin).exists()
    assert CentralIntake.objects.get(external_id="P-1").channel == "push"
    assert AuditEvent.objects.get(action="content.central.receive").actor_label == "[central:push]"

    again = _push(client, {"contract": "1", "item": item("P-1")})
    assert again.status_code == 200
    assert again.json()["result"] == "unchanged"
    assert Bulletin.objects.filter(external_id="P-1").count() == 1
    assert CentralIntake.objects.get(external_id="P-1").times_seen == 2

    revised = _push(client, {"contract": "1.1", "item": item("P-1", version=2, summary="Tóm tắt mới")})
    assert revised.status_code == 200
    assert revised.json()["result"] == "revised"
    assert CentralIntake.objects.get(external_id="P-1").contract_version == "1.1"


def test_push_needs_no_csrf_token(people: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = _push(strict, {"contract": "1", "item": item("P-csrf")})
    assert response.status_code == 201, response.content


def test_no_token_or_a_wrong_one_is_401(client: Any, people: Any) -> None:
    missing = _push(client, {"contract": "1", "item": item()}, token=None)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "not_authenticated"
    wrong = _push(client, {"contract": "1", "item": item()}, token=PUSH_TOKEN[:-1] + "x")
    assert wrong.status_code == 401
    basic = client.post(
        PUSH, json.dumps({"contract": "1", "item": item()}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {PUSH_TOKEN}",
    )  # fmt: skip
    assert basic.status_code == 401
    assert not Bulletin.objects.filter(source_level="central").exists()


def test_a_signed_in_session_is_not_enough(sign_in: Any, people: Any) -> None:
    client = sign_in(people.board)
    response = _push(client, {"contract": "1", "item": item()}, token=None)
    assert response.status_code == 401
    assert not Bulletin.objects.filter(source_level="central").exists()


def test_push_is_off_without_a_configured_token(client: Any, settings: Any, people: Any) -> None:
    settings.NGUON_CENTRAL_PUSH_TOKEN = ""
    response = _push(client, {"contract": "1", "item": item()}, token="")
    assert response.status_code == 503
    assert "NGUON_CENTRAL_PUSH_TOKEN" in response.json()["error"]["message"]


def test_a_bad_item_is_422_with_every_field(client: Any, people: Any) -> None:
    response = _push(
        client,
        {"contract": "1", "item": item("P-2", priority="asap", target={"province": "01", "communes": []})},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    fields = {d["field"]: d["message"] for d in error["details"]}
    assert set(fields) == {"priority", "target.province"}
    assert fields["priority"].startswith("Mức ưu tiên không hợp lệ")
    assert not Bulletin.objects.filter(external_id="P-2").exists()
    assert AuditEvent.objects.get(action="content.central.reject").after["external_id"] == "P-2"


def test_attachments_need_the_pull_url(client: Any, people: Any) -> None:
    ref = {"url": "https://ttcs.example.gov.vn/f.pdf", "name": "f.pdf", "sha256": "a" * 64, "size": 10}
    response = _push(client, {"contract": "1", "item": item("P-3", attachments=[ref])})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "attachments.0.url"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"contract": "2", "item": item()}, 422, "contract"),
        ({"item": item()}, 422, "contract"),
        ({"contract": "1"}, 422, ""),
        (b"{not json", 400, None),
        (b"[1, 2]", 400, None),
    ],
)
def test_envelope_errors(client: Any, people: Any, body: Any, status: int, field: str | None) -> None:
    response = _push(client, body)
    assert response.status_code == status
    if field is not None:
        assert response.json()["error"]["details"][0]["field"] == field


def test_status_for_the_board_and_administrators_only(
    client: Any, sign_in: Any, people: Any, make_user: Any, province: Any
) -> None:
    _push(client, {"contract": "1", "item": item("P-1")})
    _push(client, {"contract": "1", "item": item("P-bad", title="")})
    assert client.get(STATUS).status_code == 401
    board = sign_in(people.board).get(STATUS)
    assert board.status_code == 200
    data = board.json()
    assert data["push_configured"] is True
    assert data["pull_configured"] is False
    assert (data["received"], data["pushed"], data["pulled"]) == (1, 1, 0)
    assert data["awaiting_appraisal"] == 1
    assert data["rejected"] == 1
    assert data["cursor"] == ""
    assert PUSH_TOKEN not in board.content.decode()
    admin = make_user(Role.SYSTEM_ADMIN, unit=province)
    assert sign_in(admin).get(STATUS).status_code == 200
    for person in (people.commune_editor, people.contributor, people.operator):
        denied = sign_in(person).get(STATUS)
        assert denied.status_code == 404
        assert denied.json()["error"]["code"] == "not_found"


def test_an_attachment_not_downloadable_yet_is_503_with_retry_after(
    client: Any, settings: Any, people: Any, tmp_path: Any
) -> None:
    pdf = b"%PDF-1.4\n% phu luc\n"
    with central_fake.running() as fake:
        settings.NGUON_CENTRAL_URL = fake.url
        settings.NGUON_CENTRAL_TOKEN = central_fake.PULL_TOKEN
        settings.MEDIA_ROOT = tmp_path
        ref = {
            "url": f"{fake.url}/files/pl.pdf",
            "name": "Phụ lục.pdf",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
        }
        body = {"contract": "1", "item": item("P-4", attachments=[ref])}
        fake.script = [central_fake.Reply(status=404)]  # a 4xx: the item itself is wrong
        refused = _push(client, body)
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0]["field"] == "attachments.0"
        with patch.object(CentralClient, "__init__", _fast_client_init):
            fake.script = [central_fake.Reply(status=503)] * 4
            later = _push(client, body)
        assert later.status_code == 503
        assert later["Retry-After"] == "60"
        assert later.json()["error"]["code"] == "unavailable"
        assert not Bulletin.objects.filter(external_id="P-4").exists()
        fake.files["/files/pl.pdf"] = pdf
        created = _push(client, body)
    assert created.status_code == 201, created.content
    assert Bulletin.objects.get(external_id="P-4").attachments.get().original_name == "Phụ lục.pdf"


_real_init = CentralClient.__init__


def _fast_client_init(self: CentralClient, **options: Any) -> None:
    _real_init(self, **{**options, "backoff": 0.0, "sleep": lambda seconds: None})
