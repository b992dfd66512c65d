"""The public CAP documents and their Atom feed: no sign-in, newest first, +07:00 times, the right media
types, conditional GETs; and the CAP API (import, messages)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml import etree

from nguon.accounts.choices import Role
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.radio.cap.schema import schema
from nguon.radio.models import CapMessage, EmergencyOrder
from nguon.radio.services.emergencies import stop_order

from .cap_helpers import add_cluster, flood_alert, on_air_order

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture
def published(
    make_user: Any, province: Any, commune: Any, other_commune: Any, publisher: MemoryPublisher
) -> list[CapMessage]:
    add_cluster(commune)
    add_cluster(other_commune)
    first, user = on_air_order(make_user, province, [commune], title="Cảnh báo thứ nhất", frequency=440)
    stop_order(actor=user, order=first)
    on_air_order(make_user, province, [other_commune], title="Cảnh báo thứ hai", frequency=660)
    return list(CapMessage.objects.order_by("-sent", "-pk"))


def _feed(client: Client) -> tuple[Any, etree._Element]:
    response = client.get("/alerts/cap.atom")
    return response, etree.fromstring(response.content)


def test_feed_lists_every_message_newest_first(client: Client, published: list[CapMessage]) -> None:
    response, feed = _feed(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "public" in response["Cache-Control"]
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == len(published) == 3
    updated = [datetime.fromisoformat(e.findtext("a:updated", namespaces=ATOM) or "") for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry, message in zip(entries, published, strict=True):
        link = entry.find("a:link", ATOM)
        assert link.get("type") == "application/cap+xml"
        assert link.get("href").endswith(f"/alerts/cap/{message.identifier}.xml")
        assert entry.findtext("a:updated", namespaces=ATOM).endswith("+07:00")
        assert entry.findtext("a:id", namespaces=ATOM) == link.get("href")
    assert feed.findtext("a:updated", namespaces=ATOM) == entries[0].findtext("a:updated", namespaces=ATOM)
    titles = [e.findtext("a:title", namespaces=ATOM) for e in entries]
    assert "Hủy: Cảnh báo thứ nhất" in titles


def test_each_entry_links_to_its_frozen_document(client: Client, published: list[CapMessage]) -> None:
    _response, feed = _feed(client)
    for entry in feed.findall("a:entry", ATOM):
        href = entry.find("a:link", ATOM).get("href")
        path = href[href.index("/alerts/") :]
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/cap+xml; charset=utf-8"
        assert response["ETag"]
        assert response["Last-Modified"]
        message = CapMessage.objects.get(identifier=path.rsplit("/", 1)[1].removesuffix(".xml"))
        assert response.content.decode("utf-8") == message.xml
        assert schema().validate(etree.fromstring(response.content).getroottree())
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


def test_feed_etag_changes_when_a_message_is_published(
    client: Client, make_user: Any, province: Any, commune: Any, published: list[CapMessage]
) -> None:
    first, _feed_doc = _feed(client)
    assert client.get("/alerts/cap.atom", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    on_air_order(make_user, province, [commune], title="Cảnh báo thứ ba", frequency=880)
    second, feed = _feed(client)
    assert second["ETag"] != first["ETag"]
    assert feed.find("a:entry/a:title", ATOM).text == "Cảnh báo thứ ba"


def test_unknown_document_is_404_and_feed_is_valid_when_empty(client: Client, db: Any) -> None:
    assert client.get("/alerts/cap/khong-co.xml").status_code == 404
    response, feed = _feed(client)
    assert response.status_code == 200
    assert feed.findall("a:entry", ATOM) == []
    assert feed.findtext("a:updated", namespaces=ATOM).endswith("+07:00")


# -- API ---------------------------------------------------------------------------------------------------


@pytest.fixture
def approver_client(client: Client, make_user: Any, province: Any, sign_in_verified: Any) -> Client:
    return sign_in_verified(make_user(Role.PROVINCIAL_APPROVER, unit=province))


@pytest.fixture
def sign_in_verified(client: Client) -> Any:
    def do(user: Any) -> Client:
        client.force_login(user)
        session = client.session
        session["nguon_2fa_user"] = user.pk
        session.save()
        return client

    return do


def test_api_import_raw_body_creates_an_order(
    approver_client: Client, province: Any, commune: Any, publisher: MemoryPublisher
) -> None:
    add_cluster(commune)
    response = approver_client.post(
        "/api/v1/radio/cap/import?issuer=19",
        data=flood_alert(areas=[(commune.full_name, [("DVHC", commune.code)])]),
        content_type="application/cap+xml",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    order = EmergencyOrder.objects.get(pk=body["order_id"])
    assert body["status"] == "awaiting_approval"
    assert body["unit_codes"] == [commune.code]
    assert body["identifier"] == order.cap_source["identifier"]


def test_api_import_multipart_and_refusal(
    approver_client: Client, province: Any, commune: Any, publisher: MemoryPublisher
) -> None:
    add_cluster(commune)
    bad = flood_alert().replace(b"<urgency>Immediate</urgency>", b"")
    response = approver_client.post(
        "/api/v1/radio/cap/import?issuer=19", data={"file": SimpleUploadedFile("canh-bao.xml", bad)}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "cap_rejected"
    assert "lược đồ CAP 1.2" in error["message"]
    assert "urgency" in error["message"]
    assert not EmergencyOrder.objects.exists()

    good = flood_alert(identifier="B-2", areas=[(commune.full_name, [("DVHC", commune.code)])])
    response = approver_client.post(
        "/api/v1/radio/cap/import?issuer=19", data={"file": SimpleUploadedFile("canh-bao.xml", good)}
    )
    assert response.status_code == 201


def test_api_import_needs_the_emergency_action(
    client: Client, make_user: Any, commune: Any, sign_in_verified: Any
) -> None:
    assert (
        client.post(
            "/api/v1/radio/cap/import?issuer=19", data=b"", content_type="application/xml"
        ).status_code
        == 401
    )
    sign_in_verified(make_user(Role.COMMUNE_OPERATOR, unit=commune))
    response = client.post(
        "/api/v1/radio/cap/import?issuer=05569", data=flood_alert(), content_type="application/xml"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_messages_are_scoped(
    client: Client,
    make_user: Any,
    province: Any,
    other_commune: Any,
    published: list[CapMessage],
    sign_in_verified: Any,
) -> None:
    sign_in_verified(make_user(Role.PROVINCIAL_APPROVER, unit=province))
    rows = client.get("/api/v1/radio/cap/messages").json()
    assert [r["identifier"] for r in rows] == [m.identifier for m in published]
    assert all(r["url"].endswith(f"/alerts/cap/{r['identifier']}.xml") for r in rows)

    sign_in_verified(make_user(Role.COMMUNE_APPROVER, unit=other_commune))
    assert client.get("/api/v1/radio/cap/messages").json() == []


# -- screen ------------------------------------------------------------------------------------------------


def test_import_screen_creates_the_order_or_shows_the_reason(
    client: Client,
    make_user: Any,
    province: Any,
    commune: Any,
    sign_in_verified: Any,
    publisher: MemoryPublisher,
) -> None:
    add_cluster(commune)
    sign_in_verified(make_user(Role.PROVINCIAL_APPROVER, unit=province))
    page = client.get("/radio/cap/import/")
    assert page.status_code == 200
    assert "Nhập cảnh báo CAP 1.2" in page.content.decode()
    assert "/radio/cap/import/" in client.get("/radio/emergencies/").content.decode()

    bad = client.post(
        "/radio/cap/import/", {"issuer": province.pk, "xml": flood_alert(namespace="urn:example").decode()}
    )
    assert bad.status_code == 422
    assert "Không phải bản tin CAP 1.2" in bad.content.decode()
    assert not EmergencyOrder.objects.exists()

    upload = SimpleUploadedFile(
        "canh-bao.xml", flood_alert(areas=[(commune.full_name, [("DVHC", commune.code)])])
    )
    done = client.post("/radio/cap/import/", {"issuer": province.pk, "file": upload})
    order = EmergencyOrder.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/radio/emergencies/{order.pk}/"
    assert order.status == "awaiting_approval"
    detail = client.get(done["Location"])
    assert order.title in detail.content.decode()


def test_import_screen_is_for_emergency_approvers_only(
    client: Client, make_user: Any, commune: Any, sign_in_verified: Any
) -> None:
    sign_in_verified(make_user(Role.COMMUNE_OPERATOR, unit=commune))
    assert client.get("/radio/cap/import/").status_code == 404
