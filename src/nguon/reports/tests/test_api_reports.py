"""The reports API: the table as JSON for the caller's scope, a commune's figures read and replaced (refused
figures: 422 with one detail per indicator, nothing saved), submission; another commune is a 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from nguon.accounts.choices import Role
from nguon.reports.choices import ReportStatus
from nguon.reports.models import CommuneReport, EnteredValue
from nguon.reports.selectors.tables import communes_of
from nguon.reports.services import cycles
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reports/2026-H1"
GOOD = {
    "figures": {
        "propagandists": {"value": "12", "source": "Quyết định 15/QĐ-UBND"},
        "staff_trained": {"value": 3, "source": "Sổ theo dõi tập huấn"},
        "websites": {"value": 1, "source": "Cổng xã"},
    }
}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return client


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "commune": make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA)),
        "other": make_user(Role.COMMUNE_EDITOR, unit=commune(PHO_YEN)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
    }


def test_the_table_follows_the_callers_scope(people: dict[str, Any]) -> None:
    body = signed_in(people["province"]).get(f"{BASE}/table").json()
    assert body["unit_code"] == "19"
    assert (body["first_day"], body["last_day"], body["due"]) == ("2025-12-01", "2026-05-30", "2026-06-10")
    assert len(body["rows"]) == len(communes_of(province()))
    assert {i["code"] for i in body["indicators"]} >= {"clusters", "propagandists"}
    assert body["totals"]["propagandists"] == 0
    assert DINH_HOA in body["missing"]
    row = next(r for r in body["rows"] if r["unit_code"] == DINH_HOA)
    assert row["values"]["propagandists"] is None
    assert row["values"]["clusters"] == 0
    mine = signed_in(people["commune"]).get(f"{BASE}/table").json()
    assert [r["unit_code"] for r in mine["rows"]] == [DINH_HOA]
    response = signed_in(people["commune"]).get(f"{BASE}/table?unit={PHO_YEN}")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    bad = signed_in(people["commune"]).get("/api/v1/reports/2026-H2/table")
    assert bad.status_code == 422
    assert "không hợp lệ" in bad.json()["error"]["details"][0]["message"]
    assert Client().get(f"{BASE}/table").status_code == 401


def test_figures_are_checked_per_field_saved_and_submitted(people: dict[str, Any]) -> None:
    client = signed_in(people["commune"])
    url = f"{BASE}/communes/{DINH_HOA}"
    closed = put(client, url, GOOD)
    assert closed.status_code == 422
    assert "chưa mở kỳ báo cáo" in closed.json()["error"]["details"][0]["message"]
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")

    refused = put(
        client,
        url,
        {
            "figures": {
                "propagandists": {"value": "-1", "source": "sổ"},
                "websites": {"value": "abc", "source": "sổ"},
                "clusters": {"value": 3, "source": "sổ"},
            }
        },
    )
    assert refused.status_code == 422
    details = {d["field"]: d["message"] for d in refused.json()["error"]["details"]}
    assert details == {
        "propagandists": "Giá trị không được âm.",
        "websites": "Giá trị phải là một số.",
        "clusters": "Chỉ tiêu này hệ thống tự tính; không nhập tay.",
    }
    assert not EnteredValue.objects.exists()

    saved = put(client, url, GOOD)
    assert saved.status_code == 200
    assert saved.json()["figures"]["propagandists"] == {"value": 12, "source": "Quyết định 15/QĐ-UBND"}
    assert saved.json()["status"] == ReportStatus.DRAFT
    assert saved.json()["cycle_open"] is True
    sent = client.post(f"{url}/submit")
    assert sent.status_code == 200
    assert (sent.json()["status"], sent.json()["version"]) == ("submitted", 1)
    assert [v["number"] for v in sent.json()["versions"]] == [1]
    again = put(client, url, GOOD)
    assert again.status_code == 422
    assert "chỉ sửa khi đang nhập hoặc bị trả lại" in again.json()["error"]["details"][0]["message"]

    # the province reads it; another commune may not read, write or submit it
    assert signed_in(people["province"]).get(url).json()["status"] == "submitted"
    other = signed_in(people["other"])
    assert other.get(url).status_code == 404
    assert put(other, url, GOOD).status_code == 404
    assert other.post(f"{url}/submit").status_code == 404

    cycles.accept(actor=people["province"], report=CommuneReport.objects.get())
    cycles.lock(actor=people["province"], cycle=cycle)
    locked = put(client, url, GOOD)
    assert locked.status_code == 422
    assert "đã khoá sổ" in locked.json()["error"]["details"][0]["message"]
    assert client.get(url).json()["locked"] is True
