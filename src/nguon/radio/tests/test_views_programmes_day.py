# ruff: noqa: F811 — fixtures imported from programme_fixtures
"""One day of a programme (its own time and running order, cancel / restore with a note) and the station
settings page (quiet hours, fallback audio, days ahead, the two-person emergency rule)."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nguon.core.models import AuditEvent
from nguon.radio.choices import ItemKind, OccurrenceStatus
from nguon.radio.models import BroadcastSettings, Occurrence
from nguon.radio.services.programmes import save_programme, settings_for
from nguon.radio.services.settings import save_settings
from nguon.radio.tests.programme_fixtures import (  # noqa: F401 - fixtures
    ACTOR,
    Station,
    daily,
    mp3_bytes,
    signed_in,
    station,
)

pytestmark = pytest.mark.django_db


def _day_post(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "save",
        "start_time": "07:00",
        "duration_minutes": "20",
        "note": "Lùi giờ vì họp dân",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "items-0-ORDER": "1",
        "items-0-kind": "silence",
        "items-0-seconds": "10",
    }
    data.update(fields)
    return data


def test_change_one_day_only(station: Station, signed_in: Any, commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    first, second = list(programme.occurrences.order_by("date")[:2])
    client = signed_in(station.operator)
    page = client.get(reverse("radio:occurrence", args=[first.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["start_time"] == time(6, 30)
    response = client.post(reverse("radio:occurrence", args=[first.pk]), _day_post())
    assert response.status_code == 302
    assert f"week={first.date.isoformat()}" in response["Location"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_customised
    assert first.note == "Lùi giờ vì họp dân"
    assert (first.ends_at - first.starts_at).total_seconds() == 20 * 60
    assert [(i.kind, i.duration_seconds) for i in first.items.all()] == [(ItemKind.SILENCE, 10)]
    assert not second.is_customised
    assert not second.items.exists()
    calendar = client.get(response["Location"]).content.decode()
    for text in ("07:00–07:20", "Sửa riêng", "06:30–07:00"):
        assert text in calendar


def test_one_day_clash_is_shown_and_nothing_changes(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    save_programme(actor=ACTOR, unit=commune, data=daily("Thời sự", time(8, 0), 30))
    day = programme.occurrences.order_by("date").first()
    client = signed_in(station.operator)
    before = AuditEvent.objects.count()
    response = client.post(reverse("radio:occurrence", args=[day.pk]), _day_post(start_time="07:50"))
    assert response.status_code == 422
    message = response.context["form"].errors["start_time"][0]
    assert message.startswith(f"Trùng giờ với chương trình «Thời sự» ngày {day.date:%d/%m/%Y} (08:00–08:30)")
    day.refresh_from_db()
    assert not day.is_customised
    assert AuditEvent.objects.count() == before


def test_cancel_and_restore_with_a_note(station: Station, signed_in: Any, commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    day = programme.occurrences.order_by("date").first()
    client = signed_in(station.operator)
    url = reverse("radio:occurrence", args=[day.pk])
    response = client.post(url, {"action": "cancel", "cancel-note": "Mất điện cả xã"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.status, day.note) == (OccurrenceStatus.CANCELLED, "Mất điện cả xã")
    calendar = client.get(response["Location"]).content.decode()
    assert "Đã hủy" in calendar
    assert "Mất điện cả xã" in calendar
    assert "Khôi phục" in client.get(url).content.decode()
    client.post(url, {"action": "restore", "cancel-note": ""})
    day.refresh_from_db()
    assert day.status == OccurrenceStatus.SCHEDULED
    actions = list(
        AuditEvent.objects.filter(action__startswith="radio.occurrence.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["radio.occurrence.cancel", "radio.occurrence.restore"]
    assert signed_in(station.viewer).post(url, {"action": "cancel"}).status_code == 404


def test_station_settings_page(
    station: Station,
    signed_in: Any,
    commune: Any,
    mp3_bytes: bytes,
) -> None:
    client = signed_in(station.operator)
    url = f"{reverse('radio:settings')}?unit={commune.code}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].fields["emergency_second_approver"].disabled
    response = client.post(
        url,
        {
            "quiet_start": "21:30",
            "quiet_end": "05:30",
            "horizon_days": "10",
            "emergency_second_approver": "on",  # ignored: the field is disabled for an operator
            "fallback": SimpleUploadedFile("du-phong.mp3", mp3_bytes, "audio/mpeg"),
        },
    )
    assert response.status_code == 302
    saved = BroadcastSettings.objects.get(unit=commune)
    assert (saved.quiet_start, saved.quiet_end, saved.horizon_days) == (time(21, 30), time(5, 30), 10)
    assert saved.fallback_blob is not None
    assert saved.fallback_blob.kind == "audio"
    assert saved.emergency_second_approver is False
    assert AuditEvent.objects.filter(action="radio.settings.update", unit_path=commune.path).count() == 1
    assert signed_in(station.viewer).get(url).status_code == 404
    assert signed_in(station.other_operator).post(url, {"quiet_start": "20:00"}).status_code == 404


def test_longer_horizon_schedules_more_days(commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    assert programme.occurrences.count() == 7
    _settings(commune, horizon_days=14)
    assert Occurrence.objects.filter(programme=programme).count() == 14


def _settings(unit: Any, *, actor: Any = ACTOR, **changes: Any) -> Any:
    current = settings_for(unit)
    values: dict[str, Any] = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "fallback_blob": current.fallback_blob,
        "horizon_days": current.horizon_days,
        "emergency_second_approver": current.emergency_second_approver,
    }
    values.update(changes)
    return save_settings(actor=actor, unit=unit, **values)


def test_settings_rules(station: Station, commune: Any, other_commune: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(commune, actor=station.operator, emergency_second_approver=True)
    assert refused.value.message_dict["emergency_second_approver"] == [
        "Chỉ người phê duyệt phát khẩn cấp (đã xác thực hai lớp) mới đổi được quy định này."
    ]
    assert _settings(
        commune, actor=station.approver, emergency_second_approver=True
    ).emergency_second_approver
    with pytest.raises(ValidationError) as refused:
        _settings(commune, actor=station.operator, horizon_days=0)
    assert refused.value.message_dict["horizon_days"] == ["Số ngày lập lịch trước phải từ 1 đến 31."]
    save_programme(actor=ACTOR, unit=commune, data=daily("Bản tin sáng", time(5, 30), 30))
    with pytest.raises(ValidationError) as refused:
        _settings(commune, actor=station.operator, quiet_end=time(6, 0))
    assert refused.value.message_dict["quiet_start"][0].startswith(
        "Chương trình «Bản tin sáng» phát lúc 05:30 ngày"
    )
    from django.http import Http404

    with pytest.raises(Http404):
        _settings(other_commune, actor=station.operator, horizon_days=3)
    assert not BroadcastSettings.objects.filter(unit=other_commune).exists()


def test_the_province_sets_its_own_emergency_policy(
    station: Station, signed_in: Any, province: Any, commune: Any
) -> None:
    client = signed_in(station.provincial)
    commune_page = client.get(f"{reverse('radio:settings')}?unit={commune.code}")
    assert commune_page.context["province"] == province
    url = f"{reverse('radio:settings')}?unit={province.code}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].fields["quiet_start"].disabled
    response = client.post(url, {"emergency_second_approver": "on"})
    assert response.status_code == 302
    saved = BroadcastSettings.objects.get(unit=province)
    assert saved.emergency_second_approver is True
    assert (saved.quiet_start, saved.horizon_days) == (time(22, 0), 7)  # untouched defaults
    for person in (station.operator, station.approver):
        assert signed_in(person).get(url).status_code == 404
