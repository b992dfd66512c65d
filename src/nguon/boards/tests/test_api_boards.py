# ruff: noqa: F811 — fixtures imported from test_views_common
"""The boards API: items, playlists (with entries) and schedules — list, read, create, change — and a
board's calendar; the project's error shape (422 with details in Vietnamese, 404 for another commune's
rows, 401 without a session); nothing half-written on a refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from nguon.boards.models import BoardItem, BoardSchedule, PlaylistEntry
from nguon.boards.tests.test_views_common import (  # noqa: F401 - fixtures
    People,
    announcement,
    board,
    morning_schedule,
    other_board,
    people,
    playlist_with,
    publisher,
    signed_in,
)
from nguon.boards.views.calendar import local_today
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
API = "/api/v1/boards"


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", body, content_type="application/json")


def put(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.put(f"{API}{path}", body, content_type="application/json")


def details(response: Any) -> dict[str, str]:
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Dữ liệu không hợp lệ."
    return {d["field"]: d["message"] for d in error["details"]}


def test_items_create_read_change_list(signed_in: Any, people: People, commune: Any) -> None:
    client = signed_in(people.editor)
    created = post(
        client,
        "/items",
        {
            "unit_code": "05569",
            "kind": "text",
            "title": "Họp dân",
            "body": "Tối thứ Sáu.",
            "ticker": "Mời dự",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "unit_code": "05569",
        "kind": "text",
        "title": "Họp dân",
        "body": "Tối thứ Sáu.",
        "bulletin_id": None,
        "media": None,
        "layout": "full",
        "theme": "dark",
        "ticker": "Mời dự",
        "side_title": "",
        "side_body": "",
        "duration_seconds": 15,
        "valid_from": None,
        "valid_until": None,
        "archived": False,
    }
    changed = put(
        client, f"/items/{body['id']}", {"kind": "text", "title": "Họp dân (đổi giờ)", "theme": "alert"}
    )
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["theme"]) == ("Họp dân (đổi giờ)", "alert")
    assert client.get(f"{API}/items/{body['id']}").json()["title"] == "Họp dân (đổi giờ)"
    listed = client.get(f"{API}/items", {"unit": "05569"}).json()
    assert [i["title"] for i in listed] == ["Họp dân (đổi giờ)"]


def test_item_errors_are_422_with_details_and_nothing_saved(
    signed_in: Any, people: People, commune: Any
) -> None:
    client = signed_in(people.editor)
    before = (BoardItem.objects.count(), AuditEvent.objects.count())
    response = post(
        client, "/items", {"unit_code": "05569", "kind": "bulletin", "title": "", "layout": "xoay"}
    )
    assert response.status_code == 422
    assert details(response) == {
        "layout": "Bố cục không hợp lệ.",
        "bulletin": "Chọn một bản tin đã được phê duyệt.",
        "title": "Nhập tiêu đề.",
    }
    response = post(
        client, "/items", {"unit_code": "05569", "kind": "text", "title": "A", "bulletin_id": 999999}
    )
    assert details(response) == {"bulletin": "Bản tin không tồn tại hoặc chưa được duyệt cho xã/phường này."}
    response = post(client, "/items", {"unit_code": "05569", "title": "Thiếu loại"})
    assert response.status_code == 422
    assert "body.payload.kind" in details(response)
    assert (BoardItem.objects.count(), AuditEvent.objects.count()) == before


def test_another_communes_rows_are_404(
    signed_in: Any, people: People, commune: Any, other_commune: Any, other_board: Any
) -> None:
    item = announcement(other_commune)
    playlist = playlist_with(other_commune, item)
    schedule = morning_schedule(other_commune, playlist)
    client = signed_in(people.editor)
    for path in (
        f"/items/{item.pk}",
        f"/playlists/{playlist.pk}",
        f"/schedules/{schedule.pk}",
        f"/{other_board.device_id}/calendar",
    ):
        response = client.get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    assert put(client, f"/items/{item.pk}", {"kind": "text", "title": "Chiếm"}).status_code == 404
    assert post(client, "/items", {"unit_code": "05443", "kind": "text", "title": "Chiếm"}).status_code == 404
    assert client.get(f"{API}/items", {"unit": "05443"}).status_code == 404
    assert client.get(f"{API}/items").json() == []
    item.refresh_from_db()
    assert item.title == "Lịch tiêm chủng mở rộng tháng 12"


def test_unauthenticated_is_401(client: Any) -> None:
    response = client.get(f"{API}/items")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_playlists_with_entries(signed_in: Any, people: People, commune: Any, other_commune: Any) -> None:
    first, second = announcement(commune, "Tiêm chủng"), announcement(commune, "Cắt điện")
    client = signed_in(people.editor)
    created = post(
        client,
        "/playlists",
        {
            "unit_code": "05569",
            "name": "Buổi sáng",
            "is_default": True,
            "entries": [{"item_id": first.pk}, {"item_id": second.pk, "duration_seconds": 30}],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["is_default"], body["unit_code"]) == ("Buổi sáng", True, "05569")
    assert [
        (e["position"], e["item_title"], e["duration_seconds"], e["effective_seconds"])
        for e in body["entries"]
    ] == [
        (1, "Tiêm chủng", None, 15),
        (2, "Cắt điện", 30, 30),
    ]
    # change: reorder, keep the name
    changed = put(
        client,
        f"/playlists/{body['id']}",
        {"name": "Buổi sáng", "is_default": True, "entries": [{"item_id": second.pk}, {"item_id": first.pk}]},
    )
    assert [e["item_title"] for e in changed.json()["entries"]] == ["Cắt điện", "Tiêm chủng"]
    # without entries: they are kept
    kept = put(client, f"/playlists/{body['id']}", {"name": "Sáng sớm"})
    assert (kept.json()["name"], len(kept.json()["entries"]), kept.json()["is_default"]) == (
        "Sáng sớm",
        2,
        False,
    )
    # another commune's item: 422, nothing changed
    theirs = announcement(other_commune, "Của phường khác")
    before = (PlaylistEntry.objects.count(), AuditEvent.objects.count())
    refused = put(
        client, f"/playlists/{body['id']}", {"name": "Sáng sớm", "entries": [{"item_id": theirs.pk}]}
    )
    assert refused.status_code == 422
    assert details(refused) == {"entries": f"Mục {theirs.pk} không có, đã lưu trữ hoặc thuộc địa bàn khác."}
    refused = put(client, f"/playlists/{body['id']}", {"name": "", "entries": []})
    assert details(refused) == {"name": "Nhập tên danh sách."}
    assert (PlaylistEntry.objects.count(), AuditEvent.objects.count()) == before
    assert [p["name"] for p in client.get(f"{API}/playlists").json()] == ["Sáng sớm"]


def test_schedules_and_the_calendar(signed_in: Any, people: People, commune: Any, board: Any) -> None:
    playlist = playlist_with(commune, announcement(commune))
    client = signed_in(people.editor)
    today = local_today()
    created = post(
        client,
        "/schedules",
        {
            "unit_code": "05569",
            "name": "Buổi trưa",
            "playlist_id": playlist.pk,
            "weekdays": [1, 2, 3, 4, 5, 6, 7],
            "start_time": "11:00:00",
            "end_time": "13:00:00",
            "start_date": today.isoformat(),
            "priority": 20,
            "all_boards": False,
            "device_ids": [board.device_id],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "unit_code": "05569",
        "name": "Buổi trưa",
        "playlist_id": playlist.pk,
        "playlist_name": playlist.name,
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": "11:00:00",
        "end_time": "13:00:00",
        "start_date": today.isoformat(),
        "end_date": None,
        "priority": 20,
        "all_boards": False,
        "device_ids": [board.device_id],
        "group_ids": [],
        "enabled": True,
    }
    calendar = client.get(
        f"{API}/{board.device_id}/calendar",
        {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()},
    )
    assert calendar.status_code == 200
    data = calendar.json()
    assert (data["device_id"], data["resolution"], data["from"], data["to"]) == (
        board.device_id,
        "384x192",
        today.isoformat(),
        (today + timedelta(days=1)).isoformat(),
    )
    assert [(w["title"], w["source"], w["start"][11:16], w["end"][11:16]) for w in data["windows"]] == [
        ("Buổi trưa", "board-schedule", "11:00", "13:00"),
        ("Buổi trưa", "board-schedule", "11:00", "13:00"),
    ]
    assert data["windows"][0]["start"].endswith("+07:00")
    assert data["windows"][0]["slides"] == ["Lịch tiêm chủng mở rộng tháng 12"]
    assert data["windows"][0]["priority"] == 20
    # switch it off through the API: the calendar empties
    off = put(
        client,
        f"/schedules/{body['id']}",
        {
            **{
                k: body[k]
                for k in (
                    "name",
                    "playlist_id",
                    "weekdays",
                    "start_time",
                    "end_time",
                    "start_date",
                    "priority",
                    "all_boards",
                    "device_ids",
                )
            },
            "enabled": False,
        },
    )
    assert off.json()["enabled"] is False
    assert client.get(f"{API}/{board.device_id}/calendar").json()["windows"] == []


def test_schedule_and_calendar_errors(
    signed_in: Any, people: People, commune: Any, board: Any, other_board: Any
) -> None:
    playlist = playlist_with(commune, announcement(commune))
    client = signed_in(people.editor)
    before = (BoardSchedule.objects.count(), AuditEvent.objects.count())
    base = {
        "unit_code": "05569",
        "name": "Sai",
        "playlist_id": playlist.pk,
        "start_time": "08:00",
        "end_time": "09:00",
        "start_date": local_today().isoformat(),
    }
    refused = post(
        client,
        "/schedules",
        base | {"weekdays": [], "all_boards": False, "device_ids": [other_board.device_id]},
    )
    assert refused.status_code == 422
    assert details(refused) == {
        "devices": "Có bảng tin không thuộc xã/phường này hoặc không phải bảng tin điện tử."
    }
    refused = post(client, "/schedules", base | {"weekdays": [8]})
    assert details(refused) == {"weekdays": "Ngày trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật)."}
    refused = post(client, "/schedules", base | {"start_time": "không giờ"})
    assert refused.status_code == 422
    assert "body.payload.start_time" in details(refused)
    assert (BoardSchedule.objects.count(), AuditEvent.objects.count()) == before
    too_long = client.get(f"{API}/{board.device_id}/calendar", {"from": "2026-01-01", "to": "2026-03-01"})
    assert too_long.status_code == 422
    assert (
        too_long.json()["error"]["message"]
        == "Khoảng ngày phải từ 1 đến 31 ngày, ngày đầu không sau ngày cuối."
    )
    backwards = client.get(f"{API}/{board.device_id}/calendar", {"from": "2026-01-05", "to": "2026-01-01"})
    assert backwards.status_code == 422
