"""CAP 1.2 publication: every emergency order that goes on air gets an Alert, every stop a Cancel that
references it; each document validates against the vendored OASIS schema, with +07:00 times."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from nguon.core.models import AuditEvent
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.radio.choices import CapMsgType, EmergencyStatus
from nguon.radio.models import CapMessage
from nguon.radio.services import cap as cap_services
from nguon.radio.services.emergencies import stop_order

from .cap_helpers import add_cluster, cap_root, on_air_order, text

XSD = Path(cap_services.__file__).parents[1] / "cap" / "CAP-v1.2.xsd"
TIME_ELEMENTS = ("c:sent", "c:info/c:effective", "c:info/c:expires", "c:info/c:onset")
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture
def official_schema() -> etree.XMLSchema:
    """The vendored file, loaded here on its own (not through the code under test)."""
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def clusters(commune: Any, other_commune: Any, publisher: MemoryPublisher) -> list[Any]:
    return [add_cluster(commune), add_cluster(other_commune)]


def _assert_valid(schema: etree.XMLSchema, xml: str) -> etree._Element:
    root = cap_root(xml)
    assert schema.validate(root.getroottree()), schema.error_log
    for path in TIME_ELEMENTS:
        for value in text(root, path):
            assert OFFSET.match(value), value
    assert "Z<" not in xml
    return root


def test_vendored_schema_is_the_oasis_cap_1_2_schema(official_schema: etree.XMLSchema) -> None:
    source = XSD.read_text(encoding="utf-8")
    assert "Copyright OASIS Open 2010" in source
    assert etree.parse(str(XSD)).getroot().get("targetNamespace") == "urn:oasis:names:tc:emergency:cap:1.2"


def test_alert_published_when_an_order_goes_on_air(
    make_user: Any, province: Any, commune: Any, other_commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    order, _user = on_air_order(make_user, province, [commune, other_commune], title="Sơ tán khẩn cấp")
    assert order.status == EmergencyStatus.ON_AIR
    alert = CapMessage.objects.get(order=order)
    assert alert.msg_type == CapMsgType.ALERT
    root = _assert_valid(official_schema, alert.xml)

    assert text(root, "c:identifier") == [alert.identifier]
    assert text(root, "c:sent") == [cap_services.cap_time(alert.sent)]
    assert text(root, "c:status") == ["Actual"]
    assert text(root, "c:msgType") == ["Alert"]
    assert text(root, "c:scope") == ["Public"]
    assert text(root, "c:references") == []
    assert text(root, "c:info/c:language") == ["vi-VN"]
    assert text(root, "c:info/c:category") == ["Safety"]
    assert text(root, "c:info/c:urgency") == ["Immediate"]
    assert text(root, "c:info/c:senderName") == [province.full_name]
    assert text(root, "c:info/c:headline") == [order.title]
    assert text(root, "c:info/c:description") == [order.message]
    assert text(root, "c:info/c:web") == [cap_services.public_url(alert.identifier)]
    assert cap_services.public_url(alert.identifier).endswith(f"/alerts/cap/{alert.identifier}.xml")
    assert sorted(text(root, "c:info/c:area/c:areaDesc")) == sorted(
        [commune.full_name, other_commune.full_name]
    )
    assert text(root, "c:info/c:area/c:geocode/c:valueName") == ["DVHC", "DVHC"]
    assert sorted(text(root, "c:info/c:area/c:geocode/c:value")) == sorted([commune.code, other_commune.code])
    assert AuditEvent.objects.filter(action="radio.cap.publish_alert", target_id=str(alert.pk)).exists()


def test_sender_comes_from_the_setting(
    settings: Any, make_user: Any, province: Any, commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    settings.NGUON_CAP_SENDER = "canhbao@thainguyen.gov.vn"
    order, _user = on_air_order(make_user, province, [commune], title="Kiểm tra người gửi")
    root = _assert_valid(official_schema, order.cap_messages.get().xml)
    assert text(root, "c:sender") == ["canhbao@thainguyen.gov.vn"]


def test_cancel_references_the_alert(
    make_user: Any, province: Any, commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    order, user = on_air_order(make_user, province, [commune], title="Cảnh báo lũ")
    alert = order.cap_messages.get()
    alert_root = cap_root(alert.xml)

    stopped = stop_order(actor=user, order=order)

    assert stopped.status == EmergencyStatus.STOPPED
    cancel = stopped.cap_messages.get(msg_type=CapMsgType.CANCEL)
    root = _assert_valid(official_schema, cancel.xml)
    expected = ",".join(
        [text(alert_root, "c:sender")[0], text(alert_root, "c:identifier")[0], text(alert_root, "c:sent")[0]]
    )
    assert text(root, "c:references") == [expected]
    assert cancel.references == expected
    assert text(root, "c:msgType") == ["Cancel"]
    assert cancel.identifier != alert.identifier
    assert cancel.sent >= alert.sent
    # stopping again publishes nothing more
    stop_order(actor=user, order=stopped)
    assert stopped.cap_messages.count() == 2


def test_identifiers_are_unique_across_orders(
    make_user: Any, province: Any, commune: Any, other_commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    orders = [
        on_air_order(make_user, province, [commune], title="Lệnh thứ nhất", frequency=440),
        on_air_order(make_user, province, [other_commune], title="Lệnh thứ hai", frequency=660),
        on_air_order(make_user, commune, [commune], title="Lệnh của xã", frequency=880),
    ]
    for order, user in orders:
        stop_order(actor=user, order=order)
    messages = list(CapMessage.objects.all())
    assert len(messages) == 2 * len(orders)
    identifiers = [m.identifier for m in messages]
    assert len(set(identifiers)) == len(identifiers)
    for message in messages:
        root = _assert_valid(official_schema, message.xml)
        assert not re.search(r"[\s,&<]", text(root, "c:identifier")[0])


def test_publishing_the_alert_again_returns_it_and_update_references_it(
    make_user: Any, province: Any, commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    order, _user = on_air_order(make_user, province, [commune], title="Cảnh báo rét đậm")
    alert = order.cap_messages.get()
    assert cap_services.publish_alert(order) == alert

    update = cap_services.publish_update(order)

    root = _assert_valid(official_schema, update.xml)
    assert text(root, "c:msgType") == ["Update"]
    assert alert.identifier in update.references
    assert order.cap_messages.count() == 2
    assert AuditEvent.objects.filter(action="radio.cap.publish_update").count() == 1


def test_residential_unit_area_names_the_commune(
    make_user: Any, province: Any, commune: Any, clusters: list[Any], official_schema: Any
) -> None:
    from nguon.units.services import save_residential_unit

    hamlet = save_residential_unit(
        actor=cap_services.access.SYSTEM,
        commune=commune,
        local_code="TDP01",
        name="Tổ dân phố 1",
        kind="to_dan_pho",
    )
    from nguon.devices.services.registry import register_device

    register_device(
        actor=cap_services.access.SYSTEM,
        kind="speaker_cluster",
        serial="CAP-HAMLET",
        unit=commune,
        residential_unit=hamlet,
    )
    order, _user = on_air_order(make_user, province, [hamlet], title="Cảnh báo cho tổ dân phố")
    root = _assert_valid(official_schema, order.cap_messages.get().xml)
    assert text(root, "c:info/c:area/c:areaDesc") == [f"{hamlet.full_name}, {commune.full_name}"]
    assert text(root, "c:info/c:area/c:geocode/c:value") == [hamlet.code, commune.code]


def test_cap_sender_setting_defaults_to_the_public_host() -> None:
    from nguon.config import ConfigError, load

    config = load({"NGUON_ENV": "test", "NGUON_PUBLIC_URL": "https://nguon.thainguyen.gov.vn"})
    assert config.cap_sender == "nguon@nguon.thainguyen.gov.vn"
    assert load({"NGUON_ENV": "test", "NGUON_CAP_SENDER": "a@b.vn"}).cap_sender == "a@b.vn"
    with pytest.raises(ConfigError, match="NGUON_CAP_SENDER"):
        load({"NGUON_ENV": "test", "NGUON_CAP_SENDER": "a b,c"})
