"""Importing CAP 1.2 alerts: a valid flood warning becomes an emergency order waiting for approval, over
the units its areas name and with its text read aloud; anything malformed is refused with the reason and
leaves nothing behind; a Cancel stops the order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.content.models import MediaBlob
from nguon.core.models import AuditEvent
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.radio.cap.schema import MAX_BYTES, schema
from nguon.radio.choices import CapMsgType, EmergencyStatus
from nguon.radio.models import CapMessage, EmergencyOrder
from nguon.radio.services.cap import import_cap
from nguon.radio.services.emergencies import approve_emergency
from nguon.units.models import AdministrativeUnit, UnitSuccession

from .cap_helpers import NDMA_SENDER, add_cluster, approver_with_totp, cap_root, flood_alert, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture
def by_name(province: Any) -> Any:
    """A third commune of the province, named only by its areaDesc in the sample."""
    return (
        AdministrativeUnit.objects.filter(path__startswith=province.path, level="commune", is_current=True)
        .exclude(code__in=("05569", "05443"))
        .order_by("code")
        .first()
    )


@pytest.fixture
def outside() -> Any:
    """A commune of another province (a national alert names it too)."""
    return (
        AdministrativeUnit.objects.filter(level="commune", is_current=True)
        .exclude(province_code="19")
        .first()
    )


@pytest.fixture
def clusters(commune: Any, other_commune: Any, by_name: Any, publisher: MemoryPublisher) -> list[Any]:
    return [add_cluster(commune), add_cluster(other_commune), add_cluster(by_name)]


@pytest.fixture
def approver(make_user: Any, province: Any) -> Any:
    return make_user(Role.PROVINCIAL_APPROVER, unit=province)


def _counts() -> tuple[int, int, int, int]:
    return (
        EmergencyOrder.objects.count(),
        MediaBlob.objects.count(),
        CapMessage.objects.count(),
        AuditEvent.objects.filter(action__startswith="radio.").count(),
    )


def _sample(commune: Any, other_commune: Any, by_name: Any, outside: Any, **kwargs: Any) -> bytes:
    areas = [
        (commune.full_name, [("DVHC", commune.code)]),
        (other_commune.full_name, [("DVHC", other_commune.code)]),
        (f"{by_name.full_name}, tỉnh Thái Nguyên", []),
        (outside.full_name, [("DVHC", outside.code)]),
    ]
    return flood_alert(areas=kwargs.pop("areas", areas), **kwargs)


def test_valid_alert_becomes_an_order_awaiting_approval(
    approver: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    xml = _sample(commune, other_commune, by_name, outside)

    order = import_cap(actor=approver, xml=xml, issuer_unit=province)

    assert order.status == EmergencyStatus.AWAITING_APPROVAL
    assert order.issuer_unit == province
    assert {u.code for u in order.units.all()} == {commune.code, other_commune.code, by_name.code}
    assert order.title == text(cap_root(xml.decode()), "c:info/c:headline")[0]
    assert order.message.startswith("Mưa lớn 150-250 mm")
    assert order.blob.kind == "audio"
    assert order.blob.duration_seconds
    assert order.blob.duration_seconds > 1
    source = order.cap_source
    assert source["identifier"] == "VNDMA-2026-LU-0001"
    assert source["sender"] == NDMA_SENDER
    assert source["event"] == "Lũ quét, sạt lở đất"
    assert (source["urgency"], source["severity"], source["certainty"]) == ("Immediate", "Extreme", "Likely")
    assert source["categories"] == ["Met", "Geo"]
    assert sorted(source["units"]) == sorted([commune.code, other_commune.code, by_name.code])
    assert len(source["unmapped"]) == 1
    assert outside.code in source["unmapped"][0]
    assert source["sent"].endswith("+07:00")
    assert len(source["areas"]) == 4
    assert AuditEvent.objects.filter(action="radio.cap.import", target_id=str(order.pk)).exists()
    assert not order.cap_messages.exists()  # nothing is published before a person approves it


def test_approved_import_publishes_an_alert_with_the_source_fields(
    make_user: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    person, code = approver_with_totp(make_user, province)
    order = import_cap(
        actor=person, xml=_sample(commune, other_commune, by_name, outside), issuer_unit=province
    )

    approve_emergency(actor=person, order=order, totp_code=code)

    alert = CapMessage.objects.get(order=order)
    root = cap_root(alert.xml)
    assert schema().validate(root.getroottree())
    assert text(root, "c:info/c:category") == ["Met", "Geo"]
    assert text(root, "c:info/c:severity") == ["Extreme"]
    assert text(root, "c:info/c:event") == ["Lũ quét, sạt lở đất"]
    assert "VNDMA-2026-LU-0001" in text(root, "c:note")[0]
    assert text(root, "c:info/c:expires") == [order.cap_source["expires"]]


def test_cancel_stops_the_imported_order_on_air(
    make_user: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    person, code = approver_with_totp(make_user, province)
    xml = _sample(commune, other_commune, by_name, outside)
    order = import_cap(actor=person, xml=xml, issuer_unit=province)
    approve_emergency(actor=person, order=order, totp_code=code)
    order.refresh_from_db()
    assert order.status == EmergencyStatus.ON_AIR
    cancel = flood_alert(
        identifier="VNDMA-2026-LU-0001-HUY",
        msg_type="Cancel",
        references=f"{NDMA_SENDER},VNDMA-2026-LU-0001,{order.cap_source['sent']}",
        areas=[(commune.full_name, [("DVHC", commune.code)])],
    )

    stopped = import_cap(actor=person, xml=cancel, issuer_unit=province)

    assert stopped.pk == order.pk
    assert stopped.status == EmergencyStatus.STOPPED
    messages = list(order.cap_messages.order_by("sent", "pk"))
    assert [m.msg_type for m in messages] == [CapMsgType.ALERT, CapMsgType.CANCEL]
    assert messages[0].identifier in messages[1].references
    assert AuditEvent.objects.filter(action="radio.cap.import_cancel").exists()


def test_cancel_of_an_awaiting_import_withdraws_it(
    approver: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    order = import_cap(
        actor=approver, xml=_sample(commune, other_commune, by_name, outside), issuer_unit=province
    )
    cancel = flood_alert(
        identifier="HUY-1",
        msg_type="Cancel",
        references=f"{NDMA_SENDER},VNDMA-2026-LU-0001,{order.cap_source['sent']}",
    )
    assert import_cap(actor=approver, xml=cancel, issuer_unit=province).status == EmergencyStatus.STOPPED
    assert not CapMessage.objects.exists()  # it never went on air, so there is no Alert to cancel


def test_old_commune_code_maps_to_its_successor(
    approver: Any, province: Any, publisher: MemoryPublisher
) -> None:
    edge = (
        UnitSuccession.objects.filter(
            predecessor__level="commune",
            successor__path__startswith=province.path,
            successor__is_current=True,
        )
        .exclude(predecessor__code__in=AdministrativeUnit.objects.filter(is_current=True).values("code"))
        .select_related("predecessor")
        .first()
    )
    assert edge is not None
    successors = AdministrativeUnit.objects.filter(
        successions_in__predecessor__code=edge.predecessor.code, is_current=True
    ).distinct()
    for unit in successors:
        add_cluster(unit)
    xml = flood_alert(areas=[(edge.predecessor.full_name, [("MA_DVHC", edge.predecessor.code)])])

    order = import_cap(actor=approver, xml=xml, issuer_unit=province)

    assert {u.pk for u in order.units.all()} == {u.pk for u in successors}


REFUSALS = {
    "not_xml": (lambda s: b"<alert><identifier>", "không phải XML hợp lệ"),
    "empty": (lambda s: b"   ", "rỗng"),
    "too_large": (lambda s: s.replace(b"</description>", b" " * MAX_BYTES + b"</description>"), "quá lớn"),
    "wrong_namespace": (
        lambda s: s.replace(b"urn:oasis:names:tc:emergency:cap:1.2", b"urn:example:alert"),
        "Không phải bản tin CAP 1.2",
    ),
    "cap_1_1": (
        lambda s: s.replace(b"urn:oasis:names:tc:emergency:cap:1.2", b"urn:oasis:names:tc:emergency:cap:1.1"),
        "CAP 1.1",
    ),
    "schema_missing_sender": (
        lambda s: s.replace(f"<sender>{NDMA_SENDER}</sender>".encode(), b""),
        "không đúng lược đồ CAP 1.2",
    ),
    "schema_bad_urgency": (
        lambda s: s.replace(b"<urgency>Immediate</urgency>", b"<urgency>Ngay</urgency>"),
        "dòng",
    ),
    "utc_z_time": (lambda s: s.replace(b"+07:00</sent>", b"Z</sent>"), "lược đồ"),
    "doctype_entity": (
        lambda s: s.replace(
            b"<alert ",
            b'<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert ',
        ),
        "DOCTYPE",
    ),
    "test_status": (lambda s: s.replace(b"<status>Actual</status>", b"<status>Test</status>"), "Actual"),
    "ack": (lambda s: s.replace(b"<msgType>Alert</msgType>", b"<msgType>Ack</msgType>"), "Ack"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_malformed_alert_is_refused_with_its_reason_and_leaves_nothing(
    case: str,
    approver: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    mutate, reason = REFUSALS[case]
    xml = mutate(_sample(commune, other_commune, by_name, outside))
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        import_cap(actor=approver, xml=xml, issuer_unit=province)

    message = refused.value.message_dict["xml"][0]
    assert reason in message
    assert _counts() == before


def test_schema_errors_name_the_line(approver: Any, province: Any, clusters: list[Any]) -> None:
    xml = flood_alert().replace(b"<severity>Extreme</severity>", b"<severity>Rat nang</severity>")
    line = next(n for n, row in enumerate(xml.decode().splitlines(), 1) if "Rat nang" in row)
    with pytest.raises(ValidationError) as refused:
        import_cap(actor=approver, xml=xml, issuer_unit=province)
    message = refused.value.message_dict["xml"][0]
    assert f"dòng {line}:" in message
    assert "severity" in message


def test_expired_alert_is_refused(approver: Any, province: Any, clusters: list[Any]) -> None:
    long_ago = timezone.now() - timedelta(days=2)
    before = _counts()
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        import_cap(
            actor=approver,
            xml=flood_alert(sent=long_ago, expires=long_ago + timedelta(hours=6)),
            issuer_unit=province,
        )
    assert _counts() == before


def test_alert_without_info_or_mappable_area_is_refused(
    approver: Any, province: Any, outside: Any, clusters: list[Any]
) -> None:
    before = _counts()
    with pytest.raises(ValidationError, match="không có phần <info>"):
        import_cap(actor=approver, xml=flood_alert(with_info=False), issuer_unit=province)
    with pytest.raises(ValidationError, match="Không xác định được địa bàn") as refused:
        import_cap(
            actor=approver,
            xml=flood_alert(areas=[(outside.full_name, [("DVHC", outside.code)]), ("Vùng núi phía Bắc", [])]),
            issuer_unit=province,
        )
    assert outside.code in str(refused.value)
    assert "Vùng núi phía Bắc" in str(refused.value)
    assert _counts() == before


def test_cancel_of_an_unknown_alert_is_refused(approver: Any, province: Any, clusters: list[Any]) -> None:
    before = _counts()
    cancel = flood_alert(
        identifier="HUY-2", msg_type="Cancel", references=f"{NDMA_SENDER},KHONG-CO,2026-01-01T00:00:00+07:00"
    )
    with pytest.raises(ValidationError, match="chưa từng được nhập") as refused:
        import_cap(actor=approver, xml=cancel, issuer_unit=province)
    assert "KHONG-CO" in str(refused.value)
    assert _counts() == before


def test_same_alert_is_not_imported_twice(
    approver: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    by_name: Any,
    outside: Any,
    clusters: list[Any],
) -> None:
    xml = _sample(commune, other_commune, by_name, outside)
    import_cap(actor=approver, xml=xml, issuer_unit=province)
    before = _counts()
    with pytest.raises(ValidationError, match="đã được nhập"):
        import_cap(actor=approver, xml=xml, issuer_unit=province)
    assert _counts() == before


def test_only_emergency_approvers_of_the_issuer_unit_may_import(
    make_user: Any, province: Any, commune: Any, other_commune: Any, clusters: list[Any]
) -> None:
    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    unverified = make_user(Role.PROVINCIAL_APPROVER, unit=province, verified=False)
    other_approver = make_user(Role.COMMUNE_APPROVER, unit=other_commune)
    before = _counts()
    for actor, unit in ((operator, commune), (unverified, province), (other_approver, commune)):
        with pytest.raises(Http404):
            import_cap(actor=actor, xml=flood_alert(), issuer_unit=unit)
    # a commune approver imports for its own commune only: the other commune's area is not its own
    with pytest.raises(ValidationError, match="ngoài địa bàn"):
        import_cap(
            actor=other_approver,
            xml=flood_alert(areas=[(commune.full_name, [("DVHC", commune.code)])]),
            issuer_unit=other_commune,
        )
    assert _counts() == before


def test_parser_never_expands_entities(approver: Any, province: Any, clusters: list[Any]) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>'
    )
    with pytest.raises(ValidationError, match="DOCTYPE"):
        import_cap(actor=approver, xml=bomb, issuer_unit=province)
    assert not EmergencyOrder.objects.exists()


def test_command_line_import_and_validate(
    tmp_path: Any, province: Any, commune: Any, clusters: list[Any], capsys: Any
) -> None:
    from django.core.management import CommandError, call_command

    good = tmp_path / "canh-bao.xml"
    good.write_bytes(flood_alert(areas=[(commune.full_name, [("DVHC", commune.code)])]))
    bad = tmp_path / "hong.xml"
    bad.write_bytes(flood_alert().replace(b"<scope>Public</scope>", b""))

    call_command("cap", "validate", str(good))
    assert "CAP 1.2 hợp lệ" in capsys.readouterr().out
    with pytest.raises(CommandError, match=r"lược đồ CAP 1\.2"):
        call_command("cap", "validate", str(bad))

    call_command("cap", "import", str(good), "--issuer", province.code)
    order = EmergencyOrder.objects.get()
    assert order.status == EmergencyStatus.AWAITING_APPROVAL
    assert order.requested_by is None
    assert commune.code in capsys.readouterr().out


def test_cancel_referencing_our_own_alert_stops_that_order(
    settings: Any, make_user: Any, province: Any, commune: Any, clusters: list[Any]
) -> None:
    from nguon.radio.cap.schema import cap_time

    from .cap_helpers import on_air_order

    order, user = on_air_order(make_user, province, [commune], title="Lệnh do tỉnh phát")
    alert = order.cap_messages.get()
    cancel = flood_alert(
        identifier="HUY-NOI-BO",
        sender="dieuhanh@thainguyen.gov.vn",
        msg_type="Cancel",
        references=f"{settings.NGUON_CAP_SENDER},{alert.identifier},{cap_time(alert.sent)}",
    )

    stopped = import_cap(actor=user, xml=cancel, issuer_unit=province)

    assert stopped.pk == order.pk
    assert stopped.status == EmergencyStatus.STOPPED
    assert order.cap_messages.filter(msg_type=CapMsgType.CANCEL).exists()
