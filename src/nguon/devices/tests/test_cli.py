"""``nguon devices …`` commands, the broker files and the server's signing key."""

from __future__ import annotations

import json
import stat
from io import BytesIO, StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from nguon import config
from nguon.devices import signing
from nguon.devices.credentials import check_mosquitto_hash
from nguon.devices.models import Device
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.services.provisioning import provision_device, revoke_credentials

from .conftest import ACTOR


def run(*args: str) -> str:
    out = StringIO()
    call_command("devices", *args, stdout=out)
    return out.getvalue()


def test_register_provision_and_list_from_the_shell(
    db, commune, tmp_path, publisher, django_capture_on_commit_callbacks
):
    assert "Registered d-" in run("register", "CLI-0001", "--commune", commune.code, "--vendor", "Thử")
    path = tmp_path / "bundle.json"
    assert "written to" in run("provision", "CLI-0001", "--out", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bundle = Bundle.load(path)
    assert bundle.device == Device.objects.get(serial="CLI-0001").device_id
    assert bundle.server_public_key == signing.server_public_key_b64()
    assert bundle.device in run("list")
    with django_capture_on_commit_callbacks(execute=True):
        run("send", bundle.device, "volume", "--body", '{"level": 40}')
    assert publisher.sent[-1][0] == f"nguon/v1/d/{bundle.device}/cmd"
    assert json.loads(publisher.sent[-1][1])["body"] == {"level": 40}
    with pytest.raises(CommandError, match="No device"):
        run("provision", "NO-SUCH-SERIAL")
    with pytest.raises(CommandError, match="xã/phường đang hiệu lực"):
        run("register", "CLI-0002", "--commune", "19")


def test_broker_files_list_each_active_device_with_only_its_own_topics(
    db, device, tmp_path, settings, publisher: Any
):
    settings.NGUON_MQTT_PASSWORD = "server-password-long-enough"
    password = provision_device(actor=ACTOR, device=device).mqtt_password
    out = tmp_path / "broker"
    assert "1 device(s)" in run("broker-config", "--out", str(out), "--port", "18830")
    passwd = dict(line.split(":", 1) for line in (out / "passwd").read_text().splitlines())
    assert check_mosquitto_hash(password, passwd[device.device_id])
    assert check_mosquitto_hash("server-password-long-enough", passwd["nguon-server"])
    assert stat.S_IMODE((out / "passwd").stat().st_mode) == 0o640
    acl = (out / "acl").read_text()
    d = device.device_id
    assert f"user {d}\ntopic read nguon/v1/d/{d}/cmd\ntopic read nguon/v1/d/{d}/ack\n" in acl
    assert "topic read nguon/v1/g/g-05569-speaker/cmd\n" in acl  # its command group (level 2)
    assert f"topic write nguon/v1/d/{d}/tele/#\ntopic write nguon/v1/d/{d}/status\n" in acl
    assert "user nguon-server\ntopic readwrite nguon/v1/#" in acl
    assert acl.count("topic") == 6  # nothing else, no patterns
    conf = (out / "mosquitto.conf").read_text()
    assert "allow_anonymous false" in conf
    assert "listener 18830 127.0.0.1" in conf
    revoke_credentials(actor=ACTOR, device=device)
    run("broker-config", "--out", str(out))
    assert d not in (out / "passwd").read_text()
    settings.NGUON_MQTT_PASSWORD = ""
    with pytest.raises(CommandError, match="NGUON_MQTT_PASSWORD"):
        run("broker-config", "--out", str(out))


def test_the_signing_key_is_generated_once_outside_production_and_required_in_it(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.NGUON_DEVICE_SIGNING_KEY = ""
    first = signing.server_key()
    key_file = tmp_path / signing.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    signing._cache.clear()
    assert signing.server_key().public_b64() == first.public_b64()  # read back, not regenerated
    settings.NGUON_DEVICE_SIGNING_KEY = first.seed_b64()
    assert signing.server_key().public_b64() == first.public_b64()
    settings.NGUON_DEVICE_SIGNING_KEY = ""
    settings.DATA_DIR = tmp_path / "elsewhere"
    settings.NGUON_ENV = "production"
    with pytest.raises(ImproperlyConfigured, match="NGUON_DEVICE_SIGNING_KEY"):
        signing.server_key()


def test_device_settings_are_validated_at_start(tmp_path):
    base = {"NGUON_DATA_DIR": str(tmp_path)}
    cfg = config.load(base)
    assert (cfg.mqtt_url, cfg.device_mqtt_url, cfg.mqtt_username) == (
        "mqtt://127.0.0.1:1883",
        "mqtt://127.0.0.1:1883",
        "nguon-server",
    )
    cfg = config.load(
        {**base, "NGUON_MQTT_URL": "mqtts://broker.local:8883", "NGUON_MQTT_PASSWORD": "s3cret"}
    )
    assert cfg.device_mqtt_url == "mqtts://broker.local:8883"
    assert "s3cret" not in repr(cfg)
    with pytest.raises(config.ConfigError) as error:
        config.load(
            {
                **base,
                "NGUON_DEVICE_SIGNING_KEY": "not-a-key",
                "NGUON_MQTT_URL": "http://user@broker",
                "NGUON_DEVICE_HEARTBEAT_SECONDS": "1",
            }
        )
    problems = "\n".join(error.value.problems)
    assert "NGUON_DEVICE_SIGNING_KEY" in problems
    assert "NGUON_MQTT_URL" in problems
    assert "NGUON_DEVICE_HEARTBEAT_SECONDS" in problems
    assert json.dumps(problems).count("not-a-key") == 0  # a secret's value is never echoed


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_devices_are_imported_from_csv_all_or_nothing(
    db, commune, other_commune, make_user, client, tmp_path
):
    from nguon.accounts.choices import Role

    good = (
        "so_seri;loai;ma_xa;hang;vi_do;kinh_do;ngay_lap_dat;ket_noi;man_hinh;dien_tich\n"
        f"IMP-1;cụm loa;{commune.code};VNPT;21,9;105,6;15/03/2025;4G;;\n"
        f"IMP-2;Bảng điện tử;{commune.code};;;;2025-04-01;LAN;LED;6.5\n"
    ).encode()
    bad = (
        "so seri,loai,ma xa,vi do,ket noi\n"
        f"IMP-3,cụm loa,{commune.code},95,4G\n"  # latitude out of range
        f"IMP-3,cụm loa,{commune.code},,\n"  # duplicate serial in the file
        f"IMP-4,đèn,{commune.code},,\n"  # unknown kind
        f"IMP-5,cụm loa,{other_commune.code},,5G\n"  # another commune, unknown connectivity
    ).encode()
    client.force_login(make_user(Role.TECHNICIAN, unit=commune))
    rejected = client.post("/api/v1/devices/import", {"file": SimpleUploadedFile("d.csv", bad)})
    assert rejected.status_code == 422
    details = {(d["row"], d["column"]) for d in rejected.json()["error"]["details"]}
    assert details == {(2, "vi_do"), (3, "so_seri"), (4, "loai"), (5, "ket_noi")}
    assert not Device.objects.filter(serial__startswith="IMP-").exists()
    elsewhere = f"so_seri,loai,ma_xa\nIMP-6,cụm loa,{other_commune.code}\n".encode()
    refused = client.post("/api/v1/devices/import", {"file": SimpleUploadedFile("d.csv", elsewhere)})
    assert [(d["row"], d["column"]) for d in refused.json()["error"]["details"]] == [(2, "ma_xa")]
    done = client.post("/api/v1/devices/import", {"file": SimpleUploadedFile("d.csv", good)})
    assert done.json() == {"created": 2}
    board = Device.objects.get(serial="IMP-2")
    assert (board.kind, board.panel, str(board.size_m2), board.connectivity) == (
        "eboard",
        "led",
        "6.50",
        "lan",
    )
    assert str(Device.objects.get(serial="IMP-1").latitude) == "21.900000"
    again = client.post("/api/v1/devices/import", {"file": SimpleUploadedFile("d.csv", good)})
    assert {d["column"] for d in again.json()["error"]["details"]} == {"so_seri"}  # already registered
    path = tmp_path / "devices.xlsx"
    path.write_bytes(
        _xlsx([["Số sê-ri", "Loại", "Mã xã", "Màn hình"], ["IMP-7", "cụm loa", commune.code, "LCD"]])
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        run("import", str(path))  # a panel on a speaker cluster
    path.write_bytes(_xlsx([["Số sê-ri", "Loại", "Mã xã"], ["IMP-7", "cụm loa", commune.code]]))
    assert "Registered 1 device(s)." in run("import", str(path))
