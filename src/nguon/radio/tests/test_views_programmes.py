# ruff: noqa: F811 — fixtures imported from programme_fixtures
"""The programme screens: the week calendar, the programme form (recurrence choices, upload, running
order), scoping (another commune is a 404, a viewer reads but cannot save) and the province's picker."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nguon.core.models import AuditEvent
from nguon.radio.choices import ItemKind
from nguon.radio.models import Occurrence, Programme
from nguon.radio.selectors import programmes as selectors
from nguon.radio.services.programmes import save_programme
from nguon.radio.services.settings import local_day
from nguon.radio.tests.programme_fixtures import (  # noqa: F401 - fixtures
    ACTOR,
    Station,
    daily,
    form_data,
    mp3_bytes,
    signed_in,
    station,
    tomorrow,
)
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def _week_url(code: str, day: Any) -> str:
    return f"{reverse('radio:schedule')}?unit={code}&week={day.isoformat()}"


def test_week_calendar_shows_each_airing_monday_first(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    client = signed_in(station.operator)
    first = tomorrow()
    response = client.get(_week_url(commune.code, first))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'<span class="dayname">{name}</span>') for name in WEEKDAYS]
    assert positions == sorted(positions), "days are not Monday first"
    columns = response.context["columns"]
    assert columns[0]["date"].weekday() == 0
    assert [c["date"] for c in columns] == [columns[0]["date"] + timedelta(days=i) for i in range(7)]
    horizon_end = local_day() + timedelta(days=7)
    for column in columns:
        titles = [b["occurrence"].programme.title for b in column["blocks"]]
        expected = ["Bản tin sáng"] if first <= column["date"] <= horizon_end else []
        assert titles == expected, column["date"]
        for block in column["blocks"]:
            assert block["start"].strftime("%H:%M") == "06:30"
            assert block["end"].strftime("%H:%M") == "07:00"
            assert block["target"] == "Toàn xã/phường"
    assert f'href="{reverse("radio:occurrence", args=[programme.occurrences.first().pk])}"' in html
    assert "Thêm chương trình" in html


def test_calendar_reads_in_a_fixed_number_of_queries(commune: Any) -> None:
    save_programme(actor=ACTOR, unit=commune, data=daily("Một", time(6, 0), 20))
    first = tomorrow()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            days = selectors.calendar(unit=commune, first=first, days=7)
            for day in days:
                for o in day.occurrences:
                    selectors.target_label(o.programme)
                    selectors.running_order(o)
        return len(queries)

    few = count()
    for i, hour in enumerate((8, 10, 12, 14)):
        save_programme(actor=ACTOR, unit=commune, data=daily(f"Chương trình {i}", time(hour, 0), 20))
    assert count() == few


def test_another_communes_operator_gets_404_everywhere(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    occurrence = programme.occurrences.first()
    client = signed_in(station.other_operator)
    urls = [
        _week_url(commune.code, tomorrow()),
        f"{reverse('radio:programmes')}?unit={commune.code}",
        f"{reverse('radio:programme-new')}?unit={commune.code}",
        reverse("radio:programme-edit", args=[programme.pk]),
        reverse("radio:occurrence", args=[occurrence.pk]),
        f"{reverse('radio:settings')}?unit={commune.code}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    before = AuditEvent.objects.count()
    response = client.post(reverse("radio:programme-edit", args=[programme.pk]), form_data(title="Chiếm"))
    assert response.status_code == 404
    response = client.post(reverse("radio:occurrence", args=[occurrence.pk]), {"action": "cancel"})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before
    programme.refresh_from_db()
    assert programme.title == "Bản tin sáng"
    # their own commune's calendar opens by default
    own = client.get(reverse("radio:schedule"))
    assert own.status_code == 200
    assert own.context["station"].unit.code == "05443"


def test_viewer_reads_the_calendar_but_cannot_save(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    save_programme(actor=ACTOR, unit=commune, data=daily())
    client = signed_in(station.viewer)
    response = client.get(_week_url(commune.code, tomorrow()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bản tin sáng" in html
    assert "Thêm chương trình" not in html
    assert 'href="/radio/occurrences/' not in html
    assert client.get(f"{reverse('radio:programme-new')}?unit={commune.code}").status_code == 404
    response = client.post(f"{reverse('radio:programme-new')}?unit={commune.code}", form_data(title="Khác"))
    assert response.status_code == 404
    assert list(Programme.objects.filter(unit=commune).values_list("title", flat=True)) == ["Bản tin sáng"]


def test_province_user_picks_among_the_provinces_communes_only(
    station: Station,
    signed_in: Any,
    commune: Any,
    other_commune: Any,
) -> None:
    client = signed_in(station.provincial)
    response = client.get(f"{reverse('radio:schedule')}?unit={other_commune.code}")
    assert response.status_code == 200
    codes = {u.code for u in response.context["station"].choices}
    assert {commune.code, other_commune.code} <= codes
    assert all(u.path.startswith("19/") for u in response.context["station"].choices)
    assert 'name="unit"' in response.content.decode()
    # a commune of another province is not theirs
    elsewhere = (
        AdministrativeUnit.objects.filter(level="commune", is_current=True)
        .exclude(path__startswith="19/")
        .first()
    )
    assert elsewhere is not None
    assert client.get(f"{reverse('radio:schedule')}?unit={elsewhere.code}").status_code == 404


def test_operator_creates_a_daily_programme_with_an_uploaded_file(
    station: Station,
    signed_in: Any,
    commune: Any,
    mp3_bytes: bytes,
) -> None:
    client = signed_in(station.operator)
    page = client.get(f"{reverse('radio:programme-new')}?unit={commune.code}")
    assert page.status_code == 200
    for label in (
        "Hằng ngày",
        "Các ngày trong tuần",
        "Hằng tháng vào ngày…",
        "Các ngày được chọn",
        "Chủ Nhật",
    ):
        assert label in page.content.decode()
    fields: dict[str, Any] = {
        "items-TOTAL_FORMS": "2",
        "items-0-kind": "audio",
        "items-0-title": "Nhạc hiệu đầu giờ",
        "items-0-seconds": "",
        "items-0-audio": SimpleUploadedFile("nhac-hieu.mp3", mp3_bytes, "audio/mpeg"),
        "items-0-ORDER": "2",
        "items-1-kind": "silence",
        "items-1-seconds": "3",
        "items-1-ORDER": "1",
    }
    response = client.post(f"{reverse('radio:programme-new')}?unit={commune.code}", form_data(**fields))
    assert response.status_code == 302, response.context and response.context["form"].errors
    programme = Programme.objects.get(unit=commune, title="Bản tin sáng")
    assert programme.rrule == "FREQ=DAILY"
    assert programme.created_by == station.operator
    lines = list(programme.items.order_by("position"))
    assert [(i.position, i.kind) for i in lines] == [(1, ItemKind.SILENCE), (2, ItemKind.AUDIO)]
    assert lines[1].blob is not None
    assert 1.5 < float(lines[1].blob.duration_seconds or 0) < 2.5
    assert Occurrence.objects.filter(programme=programme).count() == 7
    assert AuditEvent.objects.filter(action="radio.programme.create").count() == 1
    assert AuditEvent.objects.filter(action="radio.audio.upload").count() == 1
    followed = client.get(response["Location"])
    assert "Đã lưu chương trình «Bản tin sáng»." in followed.content.decode()


@pytest.mark.parametrize(
    ("fields", "rrule", "rdates"),
    [
        ({"repeat": "weekly", "weekdays": ["MO", "WE", "FR"]}, "FREQ=WEEKLY;BYDAY=MO,WE,FR", []),
        ({"repeat": "monthly", "month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15", []),
        (
            {"repeat": "advanced", "rrule": "freq=weekly;interval=2;byday=sa"},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
            [],
        ),
    ],
)
def test_repeat_choices_become_rules_and_read_back(
    station: Station,
    signed_in: Any,
    commune: Any,
    fields: dict[str, Any],
    rrule: str,
    rdates: list[str],
) -> None:
    client = signed_in(station.operator)
    response = client.post(f"{reverse('radio:programme-new')}?unit={commune.code}", form_data(**fields))
    assert response.status_code == 302, response.context and response.context["form"].errors
    programme = Programme.objects.get(unit=commune)
    assert (programme.rrule, programme.rdates) == (rrule, rdates)
    edit = client.get(reverse("radio:programme-edit", args=[programme.pk]))
    assert edit.context["form"].initial["repeat"] == fields["repeat"]


def test_chosen_dates_and_skipped_days(station: Station, signed_in: Any, commune: Any) -> None:
    client = signed_in(station.operator)
    first = tomorrow()
    days = [first + timedelta(days=n) for n in (1, 3, 5)]
    written = ", ".join(f"{d:%d/%m/%Y}" for d in days)
    response = client.post(
        f"{reverse('radio:programme-new')}?unit={commune.code}",
        form_data(repeat="dates", dates=written, exdates=f"{days[1]:%d/%m/%Y}"),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    programme = Programme.objects.get(unit=commune)
    assert programme.rrule == ""
    assert programme.rdates == [d.isoformat() for d in days]
    assert sorted(o.date for o in programme.occurrences.all()) == [days[0], days[2]]


def test_form_errors_are_in_vietnamese_next_to_their_fields(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    client = signed_in(station.operator)
    url = f"{reverse('radio:programme-new')}?unit={commune.code}"
    response = client.post(url, form_data(repeat="weekly", dates="31/02/2026", **{"items-0-seconds": ""}))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["weekdays"] == ["Chọn ít nhất một ngày trong tuần."]
    assert form.errors["dates"] == ["Không hiểu ngày «31/02/2026»; ghi dạng 31/12/2026."]
    row = response.context["items"].forms[0]
    assert row.errors["seconds"] == ["Nhập số giây của khoảng lặng."]
    assert "Chương trình chưa được lưu" in response.content.decode()
    assert not Programme.objects.filter(unit=commune).exists()


def test_pause_and_resume(station: Station, signed_in: Any, commune: Any) -> None:
    programme = save_programme(actor=ACTOR, unit=commune, data=daily())
    client = signed_in(station.operator)
    response = client.post(reverse("radio:programme-active", args=[programme.pk]), {"active": "0"})
    assert response.status_code == 302
    assert not Occurrence.objects.filter(programme=programme).exists()
    listing = client.get(response["Location"]).content.decode()
    assert "Tạm dừng" in listing
    assert "Phát lại" in listing
    client.post(reverse("radio:programme-active", args=[programme.pk]), {"active": "1"})
    assert Occurrence.objects.filter(programme=programme).count() == 7
    assert (
        signed_in(station.viewer)
        .post(reverse("radio:programme-active", args=[programme.pk]), {"active": "0"})
        .status_code
        == 404
    )
