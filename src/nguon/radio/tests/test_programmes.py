# ruff: noqa: F811 — fixtures imported from other test packages
"""Programme services (the one write path of a commune's schedule): checks before any write, occurrences
over the horizon, per-day changes, pausing, access."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401 — fixtures
from nguon.core.models import AuditEvent
from nguon.radio import recurrence
from nguon.radio.choices import OccurrenceStatus
from nguon.radio.models import Occurrence, Programme, RunningOrderItem
from nguon.radio.services import programmes as services
from nguon.radio.services.programmes import ItemInput, ProgrammeInput

from .compile_helpers import (
    approved_bulletin,
    needs_audio_tools,
    residential,
    set_broadcast_settings,
    store_audio,
)

pytestmark = [pytest.mark.django_db, needs_audio_tools]


@pytest.fixture
def talk(commune: Any) -> Any:
    return store_audio(commune, 8, 440, "noi-dung.mp3")


def data(**kw: Any) -> ProgrammeInput:
    values: dict[str, Any] = {
        "title": "Bản tin sáng",
        "starts_on": timezone.localdate(),
        "start_time": time(6, 0),
        "duration_minutes": 30,
        "rrule": "FREQ=DAILY",
    }
    values.update(kw)
    return ProgrammeInput(**values)


def nothing_written() -> bool:
    return not (
        Programme.objects.exists() or Occurrence.objects.exists() or RunningOrderItem.objects.exists()
    )


def expected_days(rule: recurrence.Rule, horizon: int) -> list[date]:
    now = timezone.now()
    today = timezone.localdate()
    zone = services.tz()
    return [
        d
        for d in recurrence.local_dates(rule, today, today + timedelta(days=horizon))
        if recurrence.slot_on(rule, d, zone).start >= now
    ]


def test_save_writes_programme_running_order_and_occurrences_over_the_horizon(
    people: Any, commune: Any, talk: Any
) -> None:
    saved = services.save_programme(
        actor=people.operator,
        unit=commune,
        data=data(
            rrule="freq=weekly;byday=mo,we,fr", items=[ItemInput(kind="audio", blob_sha256=talk.sha256)]
        ),
    )
    assert saved.rrule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert [i.blob_id for i in saved.items.all()] == [talk.pk]
    days = sorted(Occurrence.objects.filter(programme=saved).values_list("date", flat=True))
    assert days == expected_days(services.rule_of(saved), services.settings_for(commune).horizon_days)
    for occurrence in Occurrence.objects.filter(programme=saved):
        local = timezone.localtime(occurrence.starts_at, services.tz())
        assert (local.date(), local.time()) == (occurrence.date, time(6, 0))
        assert occurrence.ends_at - occurrence.starts_at == timedelta(minutes=30)
    assert AuditEvent.objects.filter(action="radio.programme.create", target_id=str(saved.pk)).exists()


def test_quiet_hours_refuse_a_slot_that_runs_past_midnight_into_them(people: Any, commune: Any) -> None:
    set_broadcast_settings(commune, quiet_start=time(1, 0), quiet_end=time(5, 0))
    with pytest.raises(ValidationError) as error:
        services.save_programme(
            actor=people.operator, unit=commune, data=data(start_time=time(23, 30), duration_minutes=120)
        )
    message = error.value.message_dict["start_time"][0]
    assert "từ 23:30 đến 01:30 (kéo sang ngày hôm sau)" in message
    assert "giờ yên tĩnh 01:00–05:00" in message
    assert nothing_written()
    fits = services.save_programme(
        actor=people.operator, unit=commune, data=data(start_time=time(23, 30), duration_minutes=90)
    )
    assert recurrence.crosses_midnight(services.rule_of(fits))


def test_a_clash_on_the_same_clusters_is_refused_and_other_hamlets_may_share_the_hour(
    people: Any, commune: Any
) -> None:
    first = services.save_programme(actor=people.operator, unit=commune, data=data())
    with pytest.raises(ValidationError, match="Trùng giờ với chương trình «Bản tin sáng»"):
        services.save_programme(
            actor=people.operator, unit=commune, data=data(title="Thời sự", start_time=time(6, 15))
        )
    assert list(Programme.objects.all()) == [first]
    t1, t2 = residential(commune, "TDP01", "Tổ 1"), residential(commune, "TDP02", "Tổ 2")
    hamlet = data(title="Tổ 1", start_time=time(7), target_kind="residential", residential_codes=[t1.code])
    services.save_programme(actor=people.operator, unit=commune, data=hamlet)
    other = data(title="Tổ 2", start_time=time(7), target_kind="residential", residential_codes=[t2.code])
    services.save_programme(actor=people.operator, unit=commune, data=other)
    with pytest.raises(ValidationError, match="Trùng giờ với chương trình «Tổ 1»"):
        services.save_programme(
            actor=people.operator, unit=commune, data=data(title="Cả xã", start_time=time(7))
        )


def test_running_order_is_checked_whole_before_anything_is_written(
    people: Any, commune: Any, other_commune: Any, talk: Any
) -> None:
    good = ItemInput(kind="audio", blob_sha256=talk.sha256)
    with pytest.raises(ValidationError, match="không chứa mật khẩu"):
        services.save_programme(
            actor=people.operator,
            unit=commune,
            data=data(
                items=[
                    good,
                    ItemInput(kind="relay", stream_url="https://u:p@radio.example/x", duration_seconds=60),
                ]
            ),
        )
    with pytest.raises(ValidationError, match="vượt thời lượng chương trình 1 phút"):
        services.save_programme(
            actor=people.operator,
            unit=commune,
            data=data(duration_minutes=1, items=[good, ItemInput(kind="silence", duration_seconds=55)]),
        )
    with pytest.raises(ValidationError, match="chọn một tệp âm thanh"):
        services.save_programme(
            actor=people.operator,
            unit=commune,
            data=data(items=[ItemInput(kind="audio", blob_sha256="0" * 64)]),
        )
    theirs = store_audio(
        other_commune, 4, 660, "cua-xa-khac.mp3"
    )  # a hash alone opens no other commune's file
    with pytest.raises(ValidationError, match="Mục 1: chọn một tệp âm thanh"):
        services.save_programme(
            actor=people.operator,
            unit=commune,
            data=data(items=[ItemInput(kind="audio", blob_sha256=theirs.sha256)]),
        )
    with pytest.raises(ValidationError, match="Quy tắc lặp không được có BYHOUR"):
        services.save_programme(actor=people.operator, unit=commune, data=data(rrule="FREQ=DAILY;BYHOUR=6"))
    assert nothing_written()


def test_a_bulletin_needs_finished_audio_and_must_be_the_communes(
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    other_commune: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    silent = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=commune,
        capture=django_capture_on_commit_callbacks,
        title="Thông báo chưa có âm thanh",
        with_audio=False,
    )
    line = [ItemInput(kind="bulletin", bulletin_id=silent.pk)]
    with pytest.raises(ValidationError, match="chưa có âm thanh hoàn chỉnh"):
        services.save_programme(actor=people.operator, unit=commune, data=data(items=line))
    with pytest.raises(ValidationError, match="không có trong danh sách được phát"):
        services.save_programme(actor=people.other_operator, unit=other_commune, data=data(items=line))
    assert nothing_written()


def test_editing_the_series_moves_future_days_but_not_a_customised_one(
    people: Any, commune: Any, talk: Any
) -> None:
    saved = services.save_programme(actor=people.operator, unit=commune, data=data())
    tomorrow = timezone.localdate() + timedelta(days=1)
    day = Occurrence.objects.get(programme=saved, date=tomorrow)
    services.customise_occurrence(
        actor=people.operator,
        occurrence=day,
        items=[ItemInput(kind="audio", blob_sha256=talk.sha256)],
        start_time=time(9, 0),
        note="Họp dân",
    )
    services.save_programme(
        actor=people.operator, unit=commune, data=data(start_time=time(7, 0)), programme=saved
    )
    for occurrence in Occurrence.objects.filter(programme=saved):
        local = timezone.localtime(occurrence.starts_at, services.tz()).time()
        assert local == (time(9, 0) if occurrence.date == tomorrow else time(7, 0))
    day.refresh_from_db()
    assert day.is_customised
    assert [i.blob_id for i in day.items.all()] == [talk.pk]
    assert AuditEvent.objects.filter(action="radio.occurrence.customise", target_id=str(day.pk)).exists()
    assert AuditEvent.objects.filter(action="radio.programme.update", target_id=str(saved.pk)).exists()


def test_cancel_restore_and_pause(people: Any, commune: Any) -> None:
    saved = services.save_programme(actor=people.operator, unit=commune, data=data())
    day = Occurrence.objects.filter(programme=saved).first()
    assert day is not None
    services.set_cancelled(actor=people.operator, occurrence=day, cancelled=True, note="Mất điện")
    day.refresh_from_db()
    assert day.status == OccurrenceStatus.CANCELLED
    services.set_cancelled(actor=people.operator, occurrence=day, cancelled=False)
    day.refresh_from_db()
    assert day.status == OccurrenceStatus.SCHEDULED
    services.set_active(actor=people.operator, programme=saved, active=False)
    # only the day changed by hand stays (it is the operator's); the series' future days are gone
    assert list(Occurrence.objects.filter(programme=saved)) == [day]
    services.set_active(actor=people.operator, programme=saved, active=True)
    assert Occurrence.objects.filter(programme=saved).count() == len(
        expected_days(services.rule_of(saved), services.settings_for(commune).horizon_days)
    )


def test_only_broadcast_operators_of_the_commune_may_schedule(
    people: Any, commune: Any, make_user: Any
) -> None:
    with pytest.raises(Http404):
        services.save_programme(actor=people.other_operator, unit=commune, data=data())
    with pytest.raises(Http404):
        services.save_programme(actor=people.commune_editor, unit=commune, data=data())
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune)
    assert services.save_programme(actor=approver, unit=commune, data=data()).pk
