# ruff: noqa: F811 — fixtures imported from programme_fixtures
"""The programmes API: list, create, read and replace programmes, a commune's schedule between two dates,
and one occurrence's change; structured JSON errors in Vietnamese and 404 outside the caller's communes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nguon.core.models import AuditEvent
from nguon.radio.models import Occurrence, Programme
from nguon.radio.services.programmes import ItemInput, save_programme
from nguon.radio.tests.programme_fixtures import (  # noqa: F401 - fixtures
    ACTOR,
    Station,
    audio_blob,
    daily,
    mp3_bytes,
    signed_in,
    station,
    tomorrow,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/radio"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit_code": "05569",
        "title": "Bản tin sáng",
        "starts_on": tomorrow().isoformat(),
        "start_time": "06:30",
        "duration_minutes": 30,
        "rrule": "FREQ=DAILY",
        "items": [{"kind": "silence", "duration_seconds": 5}],
    }
    body.update(overrides)
    return body


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_create_read_list_and_replace(
    station: Station, signed_in: Any, commune: Any, audio_blob: Any
) -> None:
    client = signed_in(station.operator)
    items = [{"kind": "jingle", "blob_sha256": audio_blob.sha256}, {"kind": "silence", "duration_seconds": 5}]
    created = _post(client, "/programmes", _body(items=items))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["unit_code"] == "05569"
    assert data["rrule"] == "FREQ=DAILY"
    assert [(i["position"], i["kind"], i["blob_sha256"]) for i in data["items"]] == [
        (1, "jingle", audio_blob.sha256),
        (2, "silence", None),
    ]
    pk = data["id"]
    assert client.get(f"{API}/programmes/{pk}").json() == data
    listed = client.get(f"{API}/programmes", {"unit": "05569"}).json()
    assert [p["id"] for p in listed] == [pk]
    assert [p["id"] for p in client.get(f"{API}/programmes").json()] == [pk]

    body = _body(start_time="17:00", rrule="FREQ=WEEKLY;BYDAY=MO,FR", items=[])
    body.pop("unit_code")
    replaced = client.put(f"{API}/programmes/{pk}", body, content_type="application/json")
    assert replaced.status_code == 200, replaced.json()
    assert (replaced.json()["start_time"], replaced.json()["items"]) == ("17:00:00", [])
    weekdays = {o.date.weekday() for o in Occurrence.objects.filter(programme_id=pk)}
    assert weekdays <= {0, 4}
    assert AuditEvent.objects.filter(action="radio.programme.update").count() == 1


def test_schedule_between_dates(station: Station, signed_in: Any, commune: Any) -> None:
    save_programme(
        actor=ACTOR, unit=commune, data=daily(items=[ItemInput(kind="silence", duration_seconds=5)])
    )
    client = signed_in(station.viewer)
    first = tomorrow()
    response = client.get(
        f"{API}/schedule",
        {"unit": "05569", "from": first.isoformat(), "to": (first + timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 200
    rows = response.json()
    assert [r["date"] for r in rows] == [(first + timedelta(days=i)).isoformat() for i in range(3)]
    assert {r["programme_title"] for r in rows} == {"Bản tin sáng"}
    assert datetime.fromisoformat(rows[0]["starts_at"]) == datetime.combine(first, time(6, 30), tzinfo=ZONE)
    assert rows[0]["target"] == "Toàn xã/phường"
    assert rows[0]["items"] == [
        {
            "position": 1,
            "kind": "silence",
            "title": "",
            "bulletin_id": None,
            "blob_sha256": None,
            "stream_url": "",
            "duration_seconds": 5,
        }
    ]
    too_long = client.get(
        f"{API}/schedule",
        {"unit": "05569", "from": first.isoformat(), "to": (first + timedelta(days=90)).isoformat()},
    )
    assert too_long.status_code == 422
    assert (
        too_long.json()["error"]["message"] == "Khoảng ngày phải từ 1 đến 62 ngày, ngày đầu trước ngày cuối."
    )


def test_occurrence_customise_cancel_restore(station: Station, signed_in: Any, commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    day = programme.occurrences.order_by("date").first()
    client = signed_in(station.operator)
    url = f"/occurrences/{day.pk}"
    changed = _post(
        client,
        url,
        {
            "action": "customise",
            "start_time": "07:15",
            "duration_minutes": 15,
            "items": [],
            "note": "Họp dân",
        },
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["is_customised"] is True
    assert changed.json()["note"] == "Họp dân"
    cancelled = _post(client, url, {"action": "cancel", "note": "Bão"})
    assert cancelled.json()["status"] == "cancelled"
    restored = _post(client, url, {"action": "restore"})
    assert restored.json()["status"] == "scheduled"
    wrong = _post(client, url, {"action": "delete"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "invalid"


def test_clash_is_a_structured_422_and_writes_nothing(station: Station, signed_in: Any, commune: Any) -> None:
    save_programme(actor=ACTOR, unit=commune, data=daily())
    client = signed_in(station.operator)
    before = (Programme.objects.count(), Occurrence.objects.count(), AuditEvent.objects.count())
    response = _post(client, "/programmes", _body(title="Thời sự", start_time="06:45"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Dữ liệu không hợp lệ."
    assert error["details"] == [
        {
            "field": "start_time",
            "message": f"Trùng giờ với chương trình «Bản tin sáng» ngày {tomorrow():%d/%m/%Y} (06:30–07:00) "
            "trên cùng loa. Đổi giờ hoặc nơi phát.",
        }
    ]
    midnight = _post(client, "/programmes", _body(title="Đêm", start_time="23:30", duration_minutes=60))
    assert midnight.status_code == 422
    assert "giờ yên tĩnh" in midnight.json()["error"]["details"][0]["message"]
    assert (Programme.objects.count(), Occurrence.objects.count(), AuditEvent.objects.count()) == before


def test_other_commune_and_viewer_get_404(station: Station, signed_in: Any, commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    day = programme.occurrences.first()
    outsider = signed_in(station.other_operator)
    assert outsider.get(f"{API}/programmes/{programme.pk}").status_code == 404
    assert outsider.get(f"{API}/schedule", {"unit": "05569"}).status_code == 404
    assert outsider.get(f"{API}/programmes").json() == []
    assert _post(outsider, "/programmes", _body()).status_code == 404
    assert _post(outsider, f"/occurrences/{day.pk}", {"action": "cancel"}).status_code == 404
    viewer = signed_in(station.viewer)
    assert viewer.get(f"{API}/programmes/{programme.pk}").status_code == 200
    body = _body()
    body.pop("unit_code")
    denied = viewer.put(f"{API}/programmes/{programme.pk}", body, content_type="application/json")
    assert denied.status_code == 404
    assert denied.json()["error"]["code"] == "not_found"
    assert Programme.objects.get(pk=programme.pk).title == "Bản tin sáng"
