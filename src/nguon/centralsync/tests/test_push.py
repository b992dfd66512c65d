"""Pushing datasets: the exact request (validated against the contract's JSON Schemas), cursors that move
only after a 2xx, batches, a second push that sends only what changed, and figures equal to raw rows."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone

from nguon.centralsync import contract, services
from nguon.centralsync.choices import Dataset, Outcome
from nguon.centralsync.client import SyncClient
from nguon.centralsync.datasets import periods_of
from nguon.centralsync.models import Exchange, SyncCursor
from nguon.centralsync.tests import rows
from nguon.centralsync.tests.conftest import TOKEN, FakeCentral, Reply, Waits
from nguon.content.choices import Status
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.devices.models import PlayReceipt
from nguon.reports.periods import LOCAL
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db
ACTOR = access.SystemActor("tests:centralsync")
jsonschema = importlib.import_module("jsonschema")  # untyped library


def _validate(document: dict[str, Any]) -> None:
    """The envelope and each item against the contract's schemas (formats checked too)."""
    checker = jsonschema.FormatChecker()
    jsonschema.validate(document, contract.load_schema("envelope"), format_checker=checker)
    item_schema = contract.load_schema(document["dataset"])
    for item in document["items"]:
        jsonschema.validate(item, item_schema, format_checker=checker)


def _push(client: SyncClient, dataset: str, **options: Any) -> services.PushResult:
    return services.push(actor=ACTOR, dataset=dataset, client=client, **options)


def test_the_exact_request_for_every_dataset(
    central: FakeCentral, make_client: Callable[..., SyncClient], province: Any, commune: Any, past: datetime
) -> None:
    rows.station(commune, at=past)
    cluster = rows.device(commune, "d-sync000001", at=past)
    rows.online(cluster, at=past)
    rows.receipt(cluster, 1, past - timedelta(days=1), 61.5)
    rows.bulletin(commune, "Lịch tiêm chủng mở rộng tháng 12", at=past)

    result = _push(make_client(), "all")

    assert result.ok
    assert [r["path"] for r in central.requests] == [
        f"/ndxp/v1/datasets/{name}/batches" for name in Dataset.values
    ]
    for request, name in zip(central.requests, Dataset.values, strict=True):
        headers = request["headers"]
        document = json.loads(request["body"].decode("utf-8"))
        assert request["method"] == "POST"
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert headers["Accept"] == "application/json"
        assert headers["User-Agent"].startswith("Nguon-CentralSync/1")
        assert headers["Idempotency-Key"] == f"{name}:{document['batch_id']}"
        assert int(headers["Content-Length"]) == len(request["body"])
        _validate(document)
        assert document["contract"] == "1"
        assert document["province_code"] == "19"
        assert document["dataset"] == name
        assert document["sender"]["system"] == "nguon"
    inventory, bulletins = central.bodies()[0], central.bodies()[1]
    by_id = {item["id"]: item for item in inventory["items"]}
    assert set(by_id) == {"station:05569", "device:d-sync000001"}
    assert by_id["device:d-sync000001"]["status"] == "online"
    assert by_id["device:d-sync000001"]["station_id"] is None  # created before the station, never attached
    assert by_id["device:d-sync000001"]["commune_code"] == "05569"
    assert bulletins["items"][0]["title"] == "Lịch tiêm chủng mở rộng tháng 12"  # UTF-8, not escaped
    assert "Lịch tiêm chủng".encode() in central.requests[1]["body"]
    assert SyncCursor.objects.get(dataset="bulletins").items_sent == 1
    assert AuditEvent.objects.filter(action="centralsync.batch.push").count() == 4
    assert Exchange.objects.filter(outcome=Outcome.ACCEPTED).count() == 4


def test_only_distributed_and_withdrawn_bulletins_and_a_second_push_sends_only_changes(
    central: FakeCentral,
    make_client: Callable[..., SyncClient],
    commune: Any,
    other_commune: Any,
    past: datetime,
) -> None:
    first = rows.bulletin(commune, "Bản tin một", at=past)
    rows.bulletin(other_commune, "Bản tin hai", at=past + timedelta(seconds=1))
    rows.bulletin(commune, "Bản nháp", status=Status.DRAFT, at=past)
    rows.bulletin(commune, "Đã thu hồi", status=Status.WITHDRAWN, at=past + timedelta(seconds=2))
    client = make_client()

    _push(client, "bulletins")
    sent = central.bodies()[0]["items"]
    assert [i["title"] for i in sent] == ["Bản tin một", "Bản tin hai", "Đã thu hồi"]
    assert [i["status"] for i in sent] == ["distributed", "distributed", "withdrawn"]

    _push(client, "bulletins")
    assert len(central.requests) == 1  # nothing changed: nothing sent

    Bulletin.objects.filter(pk=first.pk).update(
        title="Bản tin một (đính chính)", revision=2, live_revision=2, updated_at=past + timedelta(minutes=5)
    )
    rows.bulletin(commune, "Bản tin mới", at=past + timedelta(minutes=6))
    _push(client, "bulletins")
    again = central.bodies()[1]["items"]
    assert [(i["id"], i["title"], i["revision"]) for i in again] == [
        (str(first.pk), "Bản tin một (đính chính)", 2),
        (again[1]["id"], "Bản tin mới", 1),
    ]


def test_rows_changed_in_the_settle_window_wait(
    central: FakeCentral, make_client: Callable[..., SyncClient], commune: Any
) -> None:
    rows.bulletin(commune, "Vừa sửa", at=timezone.now())
    _push(make_client(), "bulletins")
    assert central.requests == []
    _push(make_client(), "bulletins", settle=timedelta(0), now=timezone.now() + timedelta(seconds=1))
    assert len(central.requests) == 1


def test_batches_of_at_most_n_items(
    central: FakeCentral, make_client: Callable[..., SyncClient], commune: Any, past: datetime
) -> None:
    made = [rows.bulletin(commune, f"Tin {n}", at=past) for n in range(5)]  # same updated_at: ids break ties
    central.script = [Reply(200), Reply(200), Reply(500), Reply(500)]
    result = _push(make_client(retries=1), "bulletins", batch_size=2)
    assert [len(b["items"]) for b in central.bodies()] == [2, 2, 1, 1]
    assert result.datasets[0].batches == 2
    assert result.datasets[0].failed
    keys = [r["headers"]["Idempotency-Key"] for r in central.requests]
    assert len(set(keys)) == 3
    assert keys[2] == keys[3]
    cursor = SyncCursor.objects.get(dataset="bulletins")
    assert cursor.items_sent == 4
    assert cursor.last_error
    sent = {i["id"] for b in central.bodies()[:2] for i in b["items"]}
    assert len(sent) == 4

    _push(make_client(), "bulletins", batch_size=2)
    last = central.bodies()[-1]["items"]
    assert {i["id"] for i in last} | sent == {str(b.pk) for b in made}
    assert central.requests[-1]["headers"]["Idempotency-Key"] == keys[2]  # same batch: same key
    assert SyncCursor.objects.get(dataset="bulletins").last_error == ""


def test_400_is_logged_not_retried_and_the_cursor_stays(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits, commune: Any, past: datetime
) -> None:
    rows.bulletin(commune, "Tin bị từ chối", at=past)
    central.script = [
        Reply(400, body='{"error": {"message": "category_code không có trong danh mục"}}'.encode())
    ]
    result = _push(make_client(), "bulletins")
    assert result.datasets[0].failed
    assert waits.seconds == []
    exchange = Exchange.objects.get()
    assert (exchange.status_code, exchange.outcome, exchange.attempt, exchange.item_count) == (
        400,
        Outcome.FAILED,
        1,
        1,
    )
    assert "category_code không có trong danh mục" in exchange.error
    assert exchange.request_bytes == len(central.requests[0]["body"])
    cursor = SyncCursor.objects.get(dataset="bulletins")
    assert cursor.watermark_at is None
    assert cursor.items_sent == 0
    assert "category_code" in cursor.last_error
    assert AuditEvent.objects.filter(action="centralsync.batch.fail").count() == 1

    _push(make_client(), "bulletins")  # sent again, unchanged: the same batch and key
    assert (
        central.requests[1]["headers"]["Idempotency-Key"] == central.requests[0]["headers"]["Idempotency-Key"]
    )
    assert SyncCursor.objects.get(dataset="bulletins").items_sent == 1


def test_retries_are_logged_with_one_key_and_the_token_is_never_stored(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits, commune: Any, past: datetime
) -> None:
    rows.bulletin(commune, "Tin", at=past)
    central.script = [Reply(500), Reply(429, {"Retry-After": "3"}), Reply(200, delay=1.0), Reply(200)]
    _push(make_client(timeout=0.4), "bulletins")
    log = list(Exchange.objects.order_by("attempt"))
    assert [(e.attempt, e.status_code, e.outcome) for e in log] == [
        (1, 500, Outcome.RETRY),
        (2, 429, Outcome.RETRY),
        (3, None, Outcome.RETRY),
        (4, 200, Outcome.ACCEPTED),
    ]
    assert waits.seconds == [1.0, 3.0, 4.0]
    assert len({e.idempotency_key for e in log}) == 1
    stored = json.dumps(list(Exchange.objects.values()), default=str)
    stored += json.dumps(list(SyncCursor.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values("before", "after", "target_label")), default=str)
    assert TOKEN not in stored
    assert all(TOKEN not in repr(e) and TOKEN not in str(e) for e in log)


def _local_day(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(LOCAL).date().isoformat()


def _us(receipt: PlayReceipt) -> int:
    """A receipt's length in microseconds."""
    assert receipt.started_at is not None
    assert receipt.ended_at is not None
    return (receipt.ended_at - receipt.started_at) // timedelta(microseconds=1)


def _raw_broadcasts() -> dict[str, dict[str, int]]:
    """Per "<commune>:<day>": plays, emergency plays and seconds, straight from the receipts."""
    out: dict[str, dict[str, Any]] = {}
    for r in PlayReceipt.objects.filter(result="played").select_related("device__unit"):
        key = f"{r.device.unit.code}:{_local_day(r.started_at)}"
        row = out.setdefault(key, {"plays": 0, "emergency_plays": 0, "us": 0, "devices": set()})
        row["plays"] += 1
        row["emergency_plays"] += int(r.is_emergency)
        row["us"] += _us(r)
        row["devices"].add(r.device_id)
    return {
        k: {
            "plays": v["plays"],
            "emergency_plays": v["emergency_plays"],
            "devices": len(v["devices"]),
            "seconds": int((Decimal(v["us"]) / 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        }
        for k, v in out.items()
    }


def test_broadcasts_equal_the_receipts_and_only_rebuilt_days_are_sent_again(
    central: FakeCentral, make_client: Callable[..., SyncClient], commune: Any, other_commune: Any
) -> None:
    day1 = datetime.combine(timezone.localdate() - timedelta(days=3), datetime.min.time(), tzinfo=LOCAL)
    day2 = day1 + timedelta(days=1)
    a1 = rows.device(commune, "d-sync000011", at=day1 - timedelta(days=9))
    a2 = rows.device(commune, "d-sync000012", at=day1 - timedelta(days=9))
    b1 = rows.device(other_commune, "d-sync000021", at=day1 - timedelta(days=9))
    rows.receipt(a1, 1, day1 + timedelta(hours=6), 90.4)
    rows.receipt(a2, 2, day1 + timedelta(hours=7), 30.2, is_emergency=True)
    rows.receipt(a1, 3, day1 + timedelta(hours=23, minutes=59), 120)  # starts before local midnight
    rows.receipt(a1, 4, day2 + timedelta(minutes=1), 45.5)
    rows.receipt(a2, 5, day2 + timedelta(hours=1), 60, result="interrupted")  # not counted
    rows.receipt(b1, 6, day1 + timedelta(hours=5), 15.5)
    rows.receipt(b1, 7, day2 + timedelta(hours=5), 10)

    _push(make_client(), "broadcasts")
    sent = {i["id"]: i for i in central.bodies()[0]["items"]}
    raw = _raw_broadcasts()
    assert set(sent) == set(raw)
    for key, figures in raw.items():
        assert {k: sent[key][k] for k in figures} == figures
        assert sent[key]["commune_code"], sent[key]["day"] == tuple(key.split(":"))

    _push(make_client(), "broadcasts")
    assert len(central.requests) == 1  # nothing new

    rows.receipt(b1, 8, day2 + timedelta(hours=9), 20)  # day 2 changes (in one commune)
    _push(make_client(), "broadcasts")
    again = {i["id"]: i for i in central.bodies()[1]["items"]}
    assert set(again) == {f"05443:{day2.date().isoformat()}"}  # day 1 and the other commune: unchanged
    assert {k: again["05443:" + day2.date().isoformat()][k] for k in ("plays", "seconds")} == {
        k: _raw_broadcasts()["05443:" + day2.date().isoformat()][k] for k in ("plays", "seconds")
    }


def test_statistics_equal_the_raw_rows_and_are_sent_again_only_when_they_change(
    central: FakeCentral,
    make_client: Callable[..., SyncClient],
    province: Any,
    commune: Any,
    other_commune: Any,
) -> None:
    period = periods_of(timezone.localdate())[-1]
    inside = period.start + timedelta(days=2)
    rows.station(commune, at=inside)
    rows.station(other_commune, kind="fm", at=inside)
    clusters = [rows.device(commune, f"d-stat00000{n}", at=inside) for n in range(3)]
    rows.device(other_commune, "d-stat000009", kind="eboard", at=inside)
    rows.receipt(clusters[0], 1, inside + timedelta(hours=1), 95)
    rows.receipt(clusters[1], 2, inside + timedelta(hours=2), 40, is_emergency=True)
    rows.receipt(clusters[1], 3, period.start - timedelta(hours=1), 300)  # previous period

    _push(make_client(), "statistics")
    items = {i["id"]: i for b in central.bodies() for i in b["items"]}
    communes = AdministrativeUnit.objects.filter(
        path__startswith=province.path, level="commune", is_current=True
    )
    assert len(items) == 2 * (communes.count() + 1)  # two periods, every commune and the province

    mine = items[f"{period.code}:05569"]["values"]
    played = PlayReceipt.objects.filter(
        result="played", device__unit=commune, started_at__gte=period.start, started_at__lt=period.end
    )
    assert mine["broadcasts"] == played.count()
    assert mine["emergency_broadcasts"] == played.filter(is_emergency=True).count()
    us = sum(_us(r) for r in played)
    assert Decimal(str(mine["broadcast_minutes"])) == (Decimal(us) / 60_000_000).quantize(Decimal("0.1"))
    assert mine["clusters"] == commune.devices.filter(kind="speaker_cluster").count()
    assert mine["stations_it"] == 1
    assert items[f"{period.code}:05443"]["values"]["stations_fm"] == 1
    assert items[f"{period.code}:05443"]["values"]["eboards"] == 1
    total = items[f"{period.code}:19"]["values"]
    for code, value in total.items():
        parts = [
            items[f"{period.code}:{c.code}"]["values"][code]
            for c in communes
            if items[f"{period.code}:{c.code}"]["values"][code] is not None
        ]
        assert Decimal(str(value)) == sum((Decimal(str(p)) for p in parts), Decimal(0)), code
    requests = len(central.requests)

    _push(make_client(), "statistics")
    assert len(central.requests) == requests  # unchanged figures are not sent again

    rows.receipt(clusters[2], 4, inside + timedelta(hours=3), 60)
    _push(make_client(), "statistics")
    changed = {i["id"]: i["values"]["broadcasts"] for i in central.bodies()[-1]["items"]}
    holding = [p for p in periods_of(timezone.localdate()) if p.start <= inside < p.end]  # periods overlap
    assert sorted(changed) == sorted(f"{p.code}:{code}" for p in holding for code in ("05569", "19"))
    assert changed[f"{period.code}:05569"] == played.all().count()  # a fresh count: the new receipt too
    assert changed[f"{period.code}:19"] == total["broadcasts"] + 1


def test_inventory_sends_a_device_again_when_its_status_changes(
    central: FakeCentral, make_client: Callable[..., SyncClient], commune: Any, past: datetime
) -> None:
    station = rows.station(commune, at=past)
    device = rows.device(commune, "d-inv0000001", kind="eboard", at=past)
    device.station = station
    device.save(update_fields=["station"])
    _push(make_client(), "inventory")
    first = {i["id"]: i for i in central.bodies()[0]["items"]}
    assert first["device:d-inv0000001"]["status"] == "unknown"
    assert first["device:d-inv0000001"]["station_id"] == "station:05569"
    assert first["station:05569"]["kind"] == "it_telecom"

    rows.online(device, at=past + timedelta(minutes=10), is_online=False)
    _push(make_client(), "inventory")
    again = central.bodies()[1]["items"]
    assert [(i["id"], i["status"]) for i in again] == [("device:d-inv0000001", "offline")]


def test_push_refuses_an_unknown_dataset_and_people_without_the_action(
    make_client: Callable[..., SyncClient], make_user: Callable[..., Any], commune: Any
) -> None:
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from nguon.accounts.choices import Role

    with pytest.raises(ValidationError):
        services.push(actor=ACTOR, dataset="khong-co", client=make_client())
    with pytest.raises(Http404):
        services.push(actor=make_user(Role.COMMUNE_EDITOR, unit=commune), client=make_client())
