"""Computed targets: each value equals the same number counted directly from the raw rows, and
``measure_all`` (service, task and command) stores one measurement per target and day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from nguon.core.access import SYSTEM
from nguon.core.models import AuditEvent
from nguon.devices.models import Device, HeartbeatSample, RadioStation
from nguon.plan614 import measures, services
from nguon.plan614.models import Measurement
from nguon.plan614.selectors import local_today
from nguon.plan614.tasks import measure_task
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _cluster(
    n: int, unit: AdministrativeUnit, *, alive_days_ago: int | None, kind: str = "speaker_cluster"
) -> Device:
    device = Device.objects.create(
        device_id=f"d-p614{n:06d}",
        kind=kind,
        serial=f"P614-{n}",
        unit=unit,
        installed_on=local_today() - timedelta(days=60),
    )
    if alive_days_ago is not None:
        end = datetime.combine(local_today() + timedelta(days=1), time.min, tzinfo=LOCAL)
        HeartbeatSample.objects.create(
            device=device,
            bucket_start=end - timedelta(days=alive_days_ago),
            received_at=timezone.now(),
            data={},
        )
    return device


@pytest.fixture
def fleet(commune: Any, other_commune: Any, province: Any) -> list[AdministrativeUnit]:
    third = (
        AdministrativeUnit.objects.filter(path__startswith=province.path, level="commune", is_current=True)
        .exclude(pk__in=[commune.pk, other_commune.pk])
        .order_by("code")[0]
    )
    _cluster(1, commune, alive_days_ago=1)
    _cluster(2, commune, alive_days_ago=2)  # a second working cluster: the commune still counts once
    _cluster(3, other_commune, alive_days_ago=20)  # silent for 20 days: not working
    _cluster(4, third, alive_days_ago=3)
    _cluster(5, other_commune, alive_days_ago=1, kind="eboard")  # an e-board is not a cluster
    RadioStation.objects.create(unit=commune, name="Đài xã Định Hóa", kind="it_telecom")
    RadioStation.objects.create(unit=other_commune, name="Đài phường", kind="fm")
    return [commune, other_commune, third]


def _raw_share_of_communes_with_working_cluster(province: AdministrativeUnit) -> Decimal:
    """Straight from the rows: current communes of the province with a speaker cluster seen in the last 7
    days, over all current communes of the province."""
    communes = AdministrativeUnit.objects.filter(
        path__startswith=province.path, level="commune", is_current=True
    )
    end = datetime.combine(local_today() + timedelta(days=1), time.min, tzinfo=LOCAL)
    seen = HeartbeatSample.objects.filter(bucket_start__gte=end - timedelta(days=7)).values("device_id")
    working = (
        Device.objects.filter(kind="speaker_cluster", pk__in=seen, unit__in=communes, retired_on__isnull=True)
        .values("unit_id")
        .distinct()
        .count()
    )
    return (Decimal(working) * 100 / Decimal(communes.count())).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def test_share_of_communes_with_a_working_cluster_matches_the_raw_rows(plan: Any, fleet: Any) -> None:
    result = measures.measure("communes_cluster_working", plan.province, local_today())
    assert result.value == _raw_share_of_communes_with_working_cluster(plan.province)
    assert result.value > 0
    communes = AdministrativeUnit.objects.filter(
        path__startswith=plan.province.path, level="commune", is_current=True
    ).count()
    assert result.detail["communes"] == communes
    assert result.detail["communes_with"] == 2  # Định Hóa and the third commune; not Phan Đình Phùng


def test_share_of_communes_with_it_radio_and_cluster_count(plan: Any, fleet: Any) -> None:
    communes = AdministrativeUnit.objects.filter(
        path__startswith=plan.province.path, level="commune", is_current=True
    )
    with_it = (
        RadioStation.objects.filter(kind="it_telecom", unit__in=communes).values("unit_id").distinct().count()
    )
    radio = measures.measure("communes_it_radio", plan.province, local_today())
    expected = (Decimal(with_it) * 100 / Decimal(communes.count())).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert radio.value == expected
    clusters = measures.measure("indicator:clusters", plan.province, local_today())
    assert clusters.value == Device.objects.filter(kind="speaker_cluster", unit__in=communes).count()


def test_unknown_key_is_refused_when_creating_a_target(plan: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.create_target(
            actor=SYSTEM,
            unit=plan.province,
            code="x",
            wording="x",
            horizon=2030,
            measure_unit="percent",
            target_value=100,
            method="computed",
            computed_key="no_such_measure",
        )
    assert "computed_key" in error.value.message_dict


def test_measure_all_is_idempotent_per_target_and_day(plan: Any, fleet: Any) -> None:
    today = local_today()
    first = services.measure_all(actor=SYSTEM, as_of=today)
    assert {m.target.code for m in first} == {"t-cum-loa", "t-so-cum"}  # the entered target is not computed
    again = services.measure_all(actor=SYSTEM, as_of=today)
    assert Measurement.objects.count() == 2
    assert [m.pk for m in again] == [m.pk for m in first]
    stored = Measurement.objects.get(target=plan.computed)
    assert stored.value == _raw_share_of_communes_with_working_cluster(plan.province)
    assert stored.source == "computed"
    assert AuditEvent.objects.filter(action="plan614.measurement.record").count() == 2
    assert AuditEvent.objects.filter(action="plan614.measurement.replace").count() == 2


def test_command_and_task_measure_as_of_a_day(plan: Any, fleet: Any) -> None:
    out = StringIO()
    yesterday = local_today() - timedelta(days=1)
    call_command("plan614", "measure", "--on", yesterday.isoformat(), stdout=out)
    assert "Đã tính 2 mục tiêu." in out.getvalue()
    assert set(Measurement.objects.values_list("measured_on", flat=True)) == {yesterday}
    result = measure_task.enqueue()
    assert result.return_value["measured"] == 2
    assert Measurement.objects.filter(measured_on=local_today()).count() == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("plan614", "measure", "--on", "30/11/2026")
    with pytest.raises(CommandError, match="chưa đến"):
        call_command("plan614", "measure", "--on", (local_today() + timedelta(days=1)).isoformat())
    assert Measurement.objects.count() == 4


def test_seed_loads_the_real_targets_and_ten_tasks_once(province: Any) -> None:
    from nguon.plan614.models import Target, Task

    out = StringIO()
    call_command("plan614", "seed", stdout=out)
    assert Task.objects.filter(unit=province).count() == 10
    assert list(Task.objects.order_by("number").values_list("number", flat=True)) == list(range(1, 11))
    assert Task.objects.get(number=3).period_start.year == 2030
    assert Target.objects.filter(unit=province, horizon=2045).count() == 2
    assert Target.objects.filter(method="computed").exists()
    count = Target.objects.count()
    call_command("plan614", "seed", stdout=out)
    assert Target.objects.count() == count
    assert Task.objects.count() == 10
    assert "thêm 0 mục tiêu, 0 nhiệm vụ" in out.getvalue()
