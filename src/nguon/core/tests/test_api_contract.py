"""The API contract: the generated OpenAPI document matches the committed snapshot, so every change to
the API shows up in review. Regenerate with ``NGUON_UPDATE_SNAPSHOTS=1 make test``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nguon.accounts.choices import Role

SNAPSHOT = Path(__file__).resolve().parents[4] / "docs" / "api" / "openapi-v1.json"


def current_schema() -> str:
    from nguon.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_openapi_matches_the_committed_snapshot():
    schema = current_schema()
    if os.environ.get("NGUON_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(schema, encoding="utf-8")
    assert SNAPSHOT.exists(), "run NGUON_UPDATE_SNAPSHOTS=1 make test to create docs/api/openapi-v1.json"
    assert schema == SNAPSHOT.read_text(encoding="utf-8"), "API changed: review and update the snapshot"


@pytest.mark.django_db
def test_api_requires_a_session(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated", "message": "Cần đăng nhập."}}


@pytest.mark.django_db
def test_me_lists_grants_and_actions(client, make_user, commune):
    client.force_login(make_user(Role.COMMUNE_EDITOR, unit=commune))
    me = client.get("/api/v1/me").json()
    assert me["grants"][0]["role"] == "commune_editor"
    assert me["grants"][0]["unit_code"] == "05569"
    assert "units.manage_residential" in me["actions"]
    assert "content.approve" not in me["actions"]


@pytest.mark.django_db
def test_search_api_is_diacritic_insensitive(client, make_user, commune):
    client.force_login(make_user(Role.VIEWER, unit=commune))
    found = client.get("/api/v1/units/search", {"q": "cho chu"}).json()
    assert any(u["full_name"] == "Thị trấn Chợ Chu" and not u["is_current"] for u in found)
    detail = client.get("/api/v1/units/by-path/h19/167/05569/").json()
    assert detail["successors"] == ["05569"]
    communes = client.get("/api/v1/units/provinces/19/communes").json()
    assert len(communes) == 92
    assert client.get("/api/v1/units/provinces/99/communes").status_code == 404
