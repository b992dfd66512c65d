"""Emergency orders: TOTP even in a verified session, scope, the second approver, nothing half-written,
exactly the speaker clusters of the targets, stop (idempotent) and play-now."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.devices.models import CommandRecord, EmergencyBroadcast
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import publisher, store_blob  # noqa: F401 — fixture
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import BroadcastSettings, CapMessage, EmergencyOrder
from nguon.radio.services.emergencies import (
    WRONG_CODE,
    approve_emergency,
    prepare_emergency,
    reject_emergency,
    request_emergency,
    stop_order,
)
from nguon.radio.services.playnow import play_now
from nguon.units.selectors import list_communes
from nguon.units.services import save_residential_unit

ACTOR = access.SystemActor("tests")
SECRET_A = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SECRET_B = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def now_code(secret: str) -> str:
    return str(pyotp.TOTP(secret).now())


def next_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: ±1 step), for a second confirmation in one test."""
    return str(pyotp.TOTP(secret).at(time.time() + 30))


def wrong_code(secret: str) -> str:
    good = {pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in good)


@pytest.fixture
def approver(make_user: Any, province: Any) -> Any:
    user = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=user, secret=SECRET_A)
    return user


@pytest.fixture
def second(make_user: Any, province: Any) -> Any:
    user = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=user, secret=SECRET_B)
    return user


@pytest.fixture
def fleet(db: Any, commune: Any, other_commune: Any, publisher: Any) -> dict[str, Any]:  # noqa: F811
    """Clusters in three communes (one in a residential unit), an e-board and a retired cluster."""
    third, spare = list(list_communes(province_code="19").exclude(pk__in=[commune.pk, other_commune.pk])[:2])
    hamlet = save_residential_unit(
        actor=ACTOR, commune=commune, local_code="T1", name="Thôn Một", kind="thon"
    )
    made = {
        "c1": register_device(actor=ACTOR, kind="speaker_cluster", serial="C1", unit=commune),
        "c2": register_device(
            actor=ACTOR, kind="speaker_cluster", serial="C2", unit=commune, residential_unit=hamlet
        ),
        "board": register_device(actor=ACTOR, kind="eboard", serial="B1", unit=commune),
        "retired": register_device(actor=ACTOR, kind="speaker_cluster", serial="R1", unit=commune),
        "o1": register_device(actor=ACTOR, kind="speaker_cluster", serial="O1", unit=other_commune),
        "t1": register_device(actor=ACTOR, kind="speaker_cluster", serial="T1", unit=third),
    }
    made["retired"].retired_on = made["retired"].created_at.date()
    made["retired"].save(update_fields=["retired_on"])
    return {**made, "hamlet": hamlet, "third": third, "spare": spare, "audio": store_blob(0.3)}


def serials(broadcast: EmergencyBroadcast | None) -> list[str]:
    assert broadcast is not None
    return sorted(broadcast.devices.values_list("serial", flat=True))


def test_a_province_order_goes_on_air_at_once_on_the_clusters_of_its_targets_only(
    approver, fleet, province, other_commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = request_emergency(
            actor=approver,
            issuer_unit=province,
            units=[fleet["hamlet"], other_commune],
            blob=fleet["audio"],
            title="  Cảnh báo lũ quét  ",
            message="Sơ tán ngay.",
            repeat=3,
            totp_code=now_code(SECRET_A),
        )
    order.refresh_from_db()
    assert order.status == EmergencyStatus.ON_AIR
    assert order.title == "Cảnh báo lũ quét"
    assert (order.requested_by, order.approved_by) == (approver, approver)
    assert order.broadcast is not None
    assert serials(order.broadcast) == ["C2", "O1"]  # the hamlet's cluster, not the commune's others
    starts = CommandRecord.objects.filter(type="emergency-start")
    assert sorted(starts.values_list("device__serial", flat=True)) == ["C2", "O1"]
    assert {c.body["repeat"] for c in starts} == {3}
    assert all(c.published_at is not None for c in starts)
    actions = list(
        AuditEvent.objects.filter(action__startswith="radio.emergency.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["radio.emergency.approve", "radio.emergency.on_air", "radio.emergency.request"]
    assert list(CapMessage.objects.filter(order=order).values_list("msg_type", flat=True)) == ["Alert"]


def test_a_wrong_code_is_refused_audited_and_writes_nothing(approver, fleet, province, commune):
    with pytest.raises(ValidationError) as refused:
        request_emergency(
            actor=approver,
            issuer_unit=province,
            units=[commune],
            blob=fleet["audio"],
            title="Cảnh báo",
            totp_code=wrong_code(SECRET_A),
        )
    assert refused.value.message_dict == {"totp_code": [WRONG_CODE]}
    assert not EmergencyOrder.objects.exists()
    assert not EmergencyBroadcast.objects.exists()
    assert not CommandRecord.objects.filter(type="emergency-start").exists()
    failed = AuditEvent.objects.get(action="radio.emergency.totp_failed")
    assert failed.actor_id == approver.pk


def test_a_code_is_needed_even_in_a_verified_session_and_cannot_be_replayed(
    approver, fleet, province, commune
):
    assert approver.is_2fa_verified
    code = now_code(SECRET_A)
    order = request_emergency(
        actor=approver, issuer_unit=province, units=[commune], blob=fleet["audio"], title="A", totp_code=code
    )
    assert order.status == EmergencyStatus.ON_AIR
    with pytest.raises(ValidationError):
        request_emergency(
            actor=approver,
            issuer_unit=province,
            units=[commune],
            blob=fleet["audio"],
            title="B",
            totp_code=code,
        )
    with pytest.raises(ValidationError):
        request_emergency(
            actor=approver,
            issuer_unit=province,
            units=[commune],
            blob=fleet["audio"],
            title="C",
            totp_code="",
        )
    assert EmergencyOrder.objects.count() == 1


def test_a_commune_orders_only_for_itself(make_user, fleet, commune, other_commune, province):
    local = make_user(Role.COMMUNE_APPROVER, unit=commune)
    accounts.set_totp_secret(actor=access.SYSTEM, user=local, secret=SECRET_B)
    with pytest.raises(ValidationError) as outside:
        request_emergency(
            actor=local,
            issuer_unit=commune,
            units=[other_commune],
            blob=fleet["audio"],
            title="Ngoài địa bàn",
            totp_code=now_code(SECRET_B),
        )
    assert "không thuộc địa bàn" in outside.value.message_dict["units"][0]
    with pytest.raises(Http404):
        request_emergency(
            actor=local,
            issuer_unit=province,
            units=[commune],
            blob=fleet["audio"],
            title="Từ tỉnh",
            totp_code=now_code(SECRET_B),
        )
    unverified = make_user(Role.COMMUNE_APPROVER, unit=commune, verified=False)
    with pytest.raises(Http404):
        request_emergency(
            actor=unverified,
            issuer_unit=commune,
            units=[commune],
            blob=fleet["audio"],
            title="Chưa xác thực",
            totp_code="000000",
        )
    order = request_emergency(
        actor=local,
        issuer_unit=commune,
        units=[commune],
        blob=fleet["audio"],
        title="Trong xã",
        totp_code=now_code(SECRET_B),
    )
    assert serials(order.broadcast) == ["C1", "C2"]  # no e-board, no retired cluster
    assert not EmergencyOrder.objects.exclude(pk=order.pk).exists()


@pytest.mark.parametrize("problem", ["no_units", "not_audio", "no_clusters", "bad_repeat", "no_title"])
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(approver, fleet, province, problem):
    empty = fleet["spare"]
    kwargs: dict[str, Any] = {
        "actor": approver,
        "issuer_unit": province,
        "units": [fleet["third"]],
        "blob": fleet["audio"],
        "title": "Cảnh báo",
        "repeat": 1,
        "totp_code": now_code(SECRET_A),
    }
    if problem == "no_units":
        kwargs["units"] = []
    elif problem == "not_audio":
        kwargs["blob"] = _pdf_blob()
    elif problem == "no_clusters":
        kwargs["units"] = [empty]
    elif problem == "bad_repeat":
        kwargs["repeat"] = 0
    else:
        kwargs["title"] = "   "
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        request_emergency(**kwargs)
    message = " ".join(m for ms in refused.value.message_dict.values() for m in ms)
    assert any(ch in message for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert not EmergencyOrder.objects.exists()
    assert AuditEvent.objects.count() == before  # not even a TOTP attempt was used up
    assert not EmergencyBroadcast.objects.exists()


def _pdf_blob() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from nguon.content.services.attachments import stored_blob

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with transaction.atomic(), stored_blob(SimpleUploadedFile("a.pdf", pdf, "application/pdf")) as blob:
        return blob


def test_with_the_second_approver_policy_a_different_person_must_approve(
    approver, second, fleet, province, commune, django_capture_on_commit_callbacks
):
    BroadcastSettings.objects.create(unit=province, emergency_second_approver=True)
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=fleet["audio"],
        title="Cháy rừng",
        totp_code=now_code(SECRET_A),
    )
    assert order.status == EmergencyStatus.AWAITING_APPROVAL
    assert order.broadcast is None
    assert not CommandRecord.objects.filter(type="emergency-start").exists()
    with pytest.raises(ValidationError) as same:
        approve_emergency(actor=approver, order=order, totp_code=next_code(SECRET_A))
    assert "khác người đã yêu cầu" in same.value.message_dict["approver"][0]
    with pytest.raises(ValidationError):
        approve_emergency(actor=second, order=order, totp_code=wrong_code(SECRET_B))
    order.refresh_from_db()
    assert order.status == EmergencyStatus.AWAITING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        approved = approve_emergency(actor=second, order=order, totp_code=now_code(SECRET_B))
    assert (approved.status, approved.requested_by, approved.approved_by) == (
        EmergencyStatus.ON_AIR,
        approver,
        second,
    )
    assert serials(approved.broadcast) == ["C1", "C2"]
    with pytest.raises(ValidationError):
        reject_emergency(actor=second, order=approved, reason="muộn")


def test_a_waiting_order_can_be_rejected_with_a_reason(approver, second, fleet, province, commune):
    BroadcastSettings.objects.create(unit=province, emergency_second_approver=True)
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=fleet["audio"],
        title="Thử",
        totp_code=now_code(SECRET_A),
    )
    with pytest.raises(ValidationError):
        reject_emergency(actor=second, order=order, reason="  ")
    rejected = reject_emergency(actor=second, order=order, reason="Thông tin chưa xác minh")
    assert (rejected.status, rejected.reason) == (EmergencyStatus.REJECTED, "Thông tin chưa xác minh")
    assert AuditEvent.objects.filter(action="radio.emergency.reject", target_id=str(order.pk)).exists()
    assert stop_order(actor=second, order=rejected).status == EmergencyStatus.REJECTED
    assert not EmergencyBroadcast.objects.exists()


def test_a_cap_import_waits_and_anyone_allowed_may_approve_it(approver, fleet, province, commune):
    BroadcastSettings.objects.create(unit=province, emergency_second_approver=True)
    order = prepare_emergency(
        actor=access.SystemActor("cap"),
        issuer_unit=province,
        units=[commune],
        blob=fleet["audio"],
        title="Cảnh báo từ CAP",
        cap_source={"identifier": "x-1"},
    )
    assert (order.status, order.requested_by, order.cap_source) == (
        EmergencyStatus.AWAITING_APPROVAL,
        None,
        {"identifier": "x-1"},
    )
    approved = approve_emergency(actor=approver, order=order, totp_code=now_code(SECRET_A))
    assert approved.status == EmergencyStatus.ON_AIR


def test_stop_ends_it_everywhere_once(approver, fleet, province, commune, django_capture_on_commit_callbacks):
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=fleet["audio"],
        title="Dừng thử",
        totp_code=now_code(SECRET_A),
    )
    with django_capture_on_commit_callbacks(execute=True):
        stopped = stop_order(actor=approver, order=order)
    assert (stopped.status, stopped.stopped_by) == (EmergencyStatus.STOPPED, approver)
    assert stopped.broadcast is not None
    assert stopped.broadcast.stopped_at is not None
    stops = CommandRecord.objects.filter(type="emergency-stop")
    # the clusters, and the commune's e-board whose emergency banner goes (boards.services.banner)
    assert sorted(stops.values_list("device__serial", flat=True)) == ["B1", "C1", "C2"]
    again = stop_order(actor=approver, order=order)
    assert again.stopped_at == stopped.stopped_at
    assert stops.count() == 3
    assert AuditEvent.objects.filter(action="radio.emergency.stop").count() == 1
    assert sorted(CapMessage.objects.filter(order=order).values_list("msg_type", flat=True)) == [
        "Alert",
        "Cancel",
    ]


def test_play_now_reaches_a_commune_a_hamlet_or_a_group_and_is_scoped(
    make_user, fleet, commune, other_commune
):
    from nguon.devices.models import DeviceGroup

    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    whole = play_now(actor=operator, unit=commune, blob=fleet["audio"], title="Thông báo họp")
    assert sorted(r.device.serial for r in whole) == ["C1", "C2"]
    assert len({r.body["item"]["id"] for r in whole}) == 1
    hamlet = play_now(
        actor=operator, unit=commune, blob=fleet["audio"], title="Thôn", residential_units=[fleet["hamlet"]]
    )
    assert [r.device.serial for r in hamlet] == ["C2"]
    group = DeviceGroup.objects.create(unit=commune, name="Đường chính")
    fleet["c1"].groups.add(group)
    grouped = play_now(actor=operator, unit=commune, blob=fleet["audio"], title="Nhóm", group=group)
    assert [r.device.serial for r in grouped] == ["C1"]
    assert AuditEvent.objects.filter(action="radio.playnow.send").count() == 3
    with pytest.raises(Http404):
        play_now(actor=operator, unit=other_commune, blob=fleet["audio"], title="Ngoài xã")
    other_group = DeviceGroup.objects.create(unit=other_commune, name="Khác")
    with pytest.raises(ValidationError):
        play_now(actor=operator, unit=commune, blob=fleet["audio"], title="Nhóm khác", group=other_group)
    empty_group = DeviceGroup.objects.create(unit=commune, name="Trống")
    with pytest.raises(ValidationError) as empty:
        play_now(actor=operator, unit=commune, blob=fleet["audio"], title="Trống", group=empty_group)
    assert "không có cụm loa" in empty.value.message_dict["target"][0]
    assert CommandRecord.objects.filter(type="play-now").count() == 4


def test_the_whole_province_means_every_active_cluster_of_it(approver, fleet, province):
    order = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[province],
        blob=fleet["audio"],
        title="Toàn tỉnh",
        totp_code=now_code(SECRET_A),
    )
    assert serials(order.broadcast) == ["C1", "C2", "O1", "T1"]
    assert CapMessage.objects.filter(order=order, msg_type="Alert").count() == 1
