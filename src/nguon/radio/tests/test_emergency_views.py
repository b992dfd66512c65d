"""The emergency and play-now screens and API: the TOTP confirm step, who may use them, the progress JSON."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.content.models import Category
from nguon.content.services.attachments import add_attachment
from nguon.content.services.bulletins import BulletinInput, create_bulletin
from nguon.core import access
from nguon.devices.models import CommandRecord
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import store_blob, wav_bytes
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import BroadcastSettings, EmergencyOrder
from nguon.radio.services.emergencies import request_emergency, stop_order

ACTOR = access.SystemActor("tests")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def code(secret: str = SECRET, *, ahead: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(time.time() + ahead))


def bad_code(secret: str = SECRET) -> str:
    good = {code(secret, ahead=d) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in good)


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture
def sign_in(client: Any) -> Callable[..., Any]:
    """Sign ``user`` into the test client (a TOTP-verified session unless ``verified=False``)."""

    def do(user: Any, *, verified: bool = True) -> Any:
        client.logout()
        client.force_login(user)
        if verified:
            session = client.session
            session["nguon_2fa_user"] = user.pk
            session.save()
        return client

    return do


@pytest.fixture
def setup(make_user: Any, province: Any, commune: Any, other_commune: Any, publisher: Any) -> dict[str, Any]:
    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    for serial, unit in (("V1", commune), ("V2", commune), ("V3", other_commune)):
        register_device(actor=ACTOR, kind="speaker_cluster", serial=serial, unit=unit)
    return {"approver": approver}


def upload(name: str = "canh-bao.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(0.3, 660), content_type="audio/wav")


def test_the_order_form_demands_a_totp_code_and_puts_the_order_on_air(
    setup, sign_in, commune, province, django_capture_on_commit_callbacks
):
    client = sign_in(setup["approver"])
    assert client.get("/radio/emergencies/").status_code == 200
    page = client.get("/radio/emergencies/new/")
    assert page.status_code == 200
    assert commune.full_name in page.content.decode()
    confirm = client.post(
        "/radio/emergencies/new/",
        {
            "issuer": province.pk,
            "title": "Cảnh báo sạt lở",
            "message": "Di dời ngay",
            "repeat": 2,
            "target": "communes",
            "communes": [commune.pk],
            "upload": upload(),
        },
    )
    text = confirm.content.decode()
    assert confirm.status_code == 200, text
    assert "Nhập mã xác thực 6 số" in text
    assert "2 cụm loa ở 1 xã/phường" in text
    assert not EmergencyOrder.objects.exists()  # nothing is ordered before the code
    form = confirm.context["form"]
    hidden = {f.name: f.value() for f in form.hidden_fields()}
    wrong = client.post("/radio/emergencies/new/confirm/", {**hidden, "totp_code": bad_code()})
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng." in wrong.content.decode()
    assert not EmergencyOrder.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        right = client.post("/radio/emergencies/new/confirm/", {**hidden, "totp_code": code()})
    order = EmergencyOrder.objects.get()
    assert right.status_code == 302
    assert right["Location"] == f"/radio/emergencies/{order.pk}/"
    assert (order.status, order.repeat, order.title) == (EmergencyStatus.ON_AIR, 2, "Cảnh báo sạt lở")
    listed = client.get("/radio/emergencies/").content.decode()
    assert "Cảnh báo sạt lở" in listed
    assert "Đang phát" in listed
    detail = client.get(right["Location"]).content.decode()
    assert "Dừng phát khẩn cấp" in detail
    progress = client.get(f"/radio/emergencies/{order.pk}/progress.json").json()
    assert progress["status"] == "on_air"
    assert progress["counts"]["total"] == 2
    assert progress["counts"]["published"] == 2  # sent, not yet acknowledged (no device answered)
    stopped = client.post(f"/radio/emergencies/{order.pk}/stop/")
    assert stopped.status_code == 302
    order.refresh_from_db()
    assert order.status == EmergencyStatus.STOPPED


def test_people_without_the_emergency_right_do_not_see_the_screens(setup, make_user, commune, sign_in):
    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    client = sign_in(operator)
    assert client.get("/radio/emergencies/new/").status_code == 404
    assert client.get("/radio/play-now/").status_code == 200  # operators may play now in their commune
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune)
    client = sign_in(approver, verified=False)
    response = client.get("/radio/emergencies/new/")  # the role counts only after the TOTP step
    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/")


def test_second_approval_on_screen(setup, make_user, sign_in, province, commune):
    BroadcastSettings.objects.create(unit=province, emergency_second_approver=True)

    order = request_emergency(
        actor=setup["approver"],
        issuer_unit=province,
        units=[commune],
        blob=store_blob(0.2),
        title="Chờ duyệt",
        totp_code=code(),
    )
    own = sign_in(setup["approver"]).get(f"/radio/emergencies/{order.pk}/").content.decode()
    assert "Phê duyệt và phát ngay" not in own  # the requester cannot approve their own order
    second = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=second, secret=OTHER_SECRET)
    client = sign_in(second)
    assert "Phê duyệt và phát ngay" in client.get(f"/radio/emergencies/{order.pk}/").content.decode()
    client.post(f"/radio/emergencies/{order.pk}/approve/", {"totp_code": bad_code(OTHER_SECRET)})
    order.refresh_from_db()
    assert order.status == EmergencyStatus.AWAITING_APPROVAL
    client.post(f"/radio/emergencies/{order.pk}/approve/", {"totp_code": code(OTHER_SECRET)})
    order.refresh_from_db()
    assert (order.status, order.approved_by) == (EmergencyStatus.ON_AIR, second)


def test_the_api_orders_lists_shows_progress_and_stops(
    setup, sign_in, province, commune, other_commune, django_capture_on_commit_callbacks
):
    approver = setup["approver"]
    data = BulletinInput(
        title="Cảnh báo mưa lớn",
        category=Category.objects.get(code="chinh-sach-phap-luat"),
        summary="Tóm tắt.",
        body="<p>Mưa lớn diện rộng.</p>",
    )
    bulletin = create_bulletin(actor=approver, data=data, unit=province)
    attachment = add_attachment(actor=approver, bulletin=bulletin, upload=upload())
    client = sign_in(approver)
    body = {
        "issuer_code": province.code,
        "unit_codes": [commune.code, other_commune.code],
        "media_sha256": attachment.blob.sha256,
        "title": "Cảnh báo qua API",
        "totp_code": bad_code(),
    }
    refused = client.post("/api/v1/radio/emergencies", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {"field": "totp_code", "message": "Mã xác thực không đúng."}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            "/api/v1/radio/emergencies", {**body, "totp_code": code()}, content_type="application/json"
        )
    assert made.status_code == 201, made.content
    order = made.json()
    assert (order["status"], order["devices"]) == ("on_air", 3)
    assert sorted(order["unit_codes"]) == sorted([commune.code, other_commune.code])
    assert [o["id"] for o in client.get("/api/v1/radio/emergencies").json()] == [order["id"]]
    progress = client.get(f"/api/v1/radio/emergencies/{order['id']}/progress").json()
    assert progress["counts"]["total"] == 3
    assert {d["device_id"] for d in progress["devices"]} == set(
        CommandRecord.objects.filter(type="emergency-start").values_list("device__device_id", flat=True)
    )
    stop = client.post(f"/api/v1/radio/emergencies/{order['id']}/stop")
    assert stop.json()["status"] == "stopped"
    assert client.post(f"/api/v1/radio/emergencies/{order['id']}/stop").json()["status"] == "stopped"
    unknown = client.post(
        "/api/v1/radio/emergencies", {**body, "media_sha256": "0" * 64}, content_type="application/json"
    )
    assert unknown.status_code == 422


def test_play_now_by_api_and_screen(setup, make_user, sign_in, commune):
    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    client = sign_in(operator)
    page = client.post(
        "/radio/play-now/", {"unit": commune.pk, "title": "Thông báo tiêm phòng", "upload": upload("tb.wav")}
    )
    assert page.status_code == 302, page.content.decode()
    batch = CommandRecord.objects.filter(type="play-now").first().body["item"]["id"]
    assert page["Location"] == f"/radio/play-now/{batch}/"
    assert client.get(page["Location"]).status_code == 200
    data = client.get(f"/radio/play-now/{batch}/progress.json").json()
    assert data["counts"]["total"] == 2
    sha = CommandRecord.objects.filter(type="play-now").first().media_sha256
    api = client.post(
        "/api/v1/radio/play-now",
        {"unit_code": commune.code, "media_sha256": sha, "title": "Lần hai"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert len(api.json()["devices"]) == 2
    assert client.get(f"/api/v1/radio/play-now/{api.json()['batch']}/progress").json()["counts"]["total"] == 2


def test_a_retried_api_order_with_the_same_idempotency_key_goes_on_air_once(
    setup, sign_in, province, commune, django_capture_on_commit_callbacks
):
    approver = setup["approver"]
    previous = request_emergency(
        actor=approver,
        issuer_unit=province,
        units=[commune],
        blob=store_blob(0.2),
        title="Trước",
        totp_code=code(),
    )
    stop_order(actor=approver, order=previous)
    client = sign_in(approver)
    body = {
        "issuer_code": province.code,
        "unit_codes": [commune.code],
        "media_sha256": previous.blob.sha256,  # audio of an earlier order is reachable
        "title": "Gửi lại",
        "totp_code": code(ahead=30),
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "lenh-khan-cap-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/radio/emergencies", body, content_type="application/json", **headers)
        again = client.post("/api/v1/radio/emergencies", body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert EmergencyOrder.objects.filter(title="Gửi lại").count() == 1
