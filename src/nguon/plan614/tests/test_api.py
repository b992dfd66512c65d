"""The tracker's API: list shapes, posting a progress update and an entered value, 422 with per-field
details on bad input, 404 when not allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.core.access import SYSTEM
from nguon.plan614 import services
from nguon.plan614.models import Measurement, ProgressUpdate
from nguon.plan614.selectors import local_today
from nguon.plan614.tests.conftest import PNG

pytestmark = pytest.mark.django_db
BASE = "/api/v1/plan614"


def _fields(response: Any) -> set[str]:
    body = response.json()
    assert set(body) == {"error"}
    return {d["field"] for d in body["error"]["details"]}


def test_lists_have_their_shape_and_status(client: Any, plan: Any, people: Any) -> None:
    services.post_progress(
        actor=SYSTEM, task=plan.task, reported_on=local_today(), percent=80, text="Đã xong phần lớn."
    )
    services.record_measurement(
        actor=SYSTEM,
        target=plan.entered,
        measured_on=local_today(),
        value="100",
        evidence_link="https://a.vn",
    )
    assert client.get(f"{BASE}/targets").status_code == 401
    client.force_login(people.lead)
    targets = client.get(f"{BASE}/targets").json()
    assert [t["code"] for t in targets] == ["t-cum-loa", "t-hoi-tu", "t-so-cum"]
    entered = targets[1]
    assert entered["status"] == "achieved"
    assert entered["status_label"] == "Đã đạt"
    assert (entered["latest_value"], entered["target_value"], entered["progress"]) == (100.0, 100.0, 100)
    assert targets[0]["status"] == "no_data"
    assert targets[0]["latest_value"] is None
    assert [t["code"] for t in client.get(f"{BASE}/targets?horizon=2045").json()] == ["t-so-cum"]
    tasks = client.get(f"{BASE}/tasks").json()
    assert [t["number"] for t in tasks] == [5, 6]
    first = tasks[0]
    assert first["percent"] == 80
    assert first["status"] == "on_track"
    assert first["can_report"] is True
    assert first["lead_organisations"] == [{"code": "so-test-lead", "name": "Sở Thử nghiệm Chủ trì"}]
    assert first["partner_units"] == ["05569"]
    assert first["funding"] == ["state_local", "socialisation"]
    assert tasks[1]["can_report"] is False
    assert tasks[1]["lead_units"] == ["19"]
    client.force_login(people.foreign)
    assert client.get(f"{BASE}/tasks").status_code == 404


def test_post_progress(client: Any, plan: Any, people: Any, media: Any) -> None:
    url = f"{BASE}/tasks/{plan.task.pk}/updates"
    data = {"reported_on": local_today().isoformat(), "percent": "50", "text": "Hoàn thành giai đoạn 1."}
    client.force_login(people.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(people.lead)
    bad = client.post(url, data | {"percent": "120", "text": ""})
    assert bad.status_code == 422
    assert _fields(bad) == {"percent", "text"}
    renamed = client.post(url, data | {"evidence": SimpleUploadedFile("bien-ban.pdf", PNG)})
    assert renamed.status_code == 422
    assert _fields(renamed) == {"evidence"}
    assert not ProgressUpdate.objects.exists()
    created = client.post(url, data | {"evidence": SimpleUploadedFile("bien-ban.png", PNG)})
    assert created.status_code == 201
    body = created.json()
    assert (body["percent"], body["task_status"], body["evidence_name"]) == (
        50,
        "in_progress",
        "bien-ban.png",
    )
    assert len(body["evidence_sha256"]) == 64
    assert client.post(f"{BASE}/tasks/999999/updates", data).status_code == 404


def test_post_measurement(client: Any, plan: Any, people: Any) -> None:
    url = f"{BASE}/targets/{plan.entered.pk}/measurements"
    data = {
        "measured_on": (local_today() - timedelta(days=1)).isoformat(),
        "value": "72.5",
        "evidence_link": "https://a.vn/x",
    }
    client.force_login(people.commune_editor)
    assert client.post(url, data).status_code == 404
    client.force_login(people.board)
    negative = client.post(url, data | {"value": "-1"})
    assert negative.status_code == 422
    assert _fields(negative) == {"value"}
    computed = client.post(f"{BASE}/targets/{plan.computed.pk}/measurements", data)
    assert computed.status_code == 422
    assert _fields(computed) == {"target"}
    assert not Measurement.objects.exists()
    created = client.post(url, data)
    assert created.status_code == 201
    assert created.json()["value"] == 72.5
    assert created.json()["source"] == "entered"
