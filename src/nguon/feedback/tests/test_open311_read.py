"""Open311 GeoReport v2 conformance of the read endpoints, in JSON and XML: discovery, services, service
definitions, requests (with the standard filters) and one request; the error format; no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from nguon.feedback.choices import Status
from nguon.feedback.models import Feedback, FeedbackCategory
from nguon.feedback.selectors import public
from nguon.feedback.services import answers, handling
from nguon.feedback.tests.fixtures import commune, submit

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
}
PERSONAL = ("Nguyễn Thị Hoà", "0912 345 678", "0912345678", "912345678", "hoa@example.vn")


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert "charset=utf-8" in response["Content-Type"]
    return etree.fromstring(response.content)


def no_personal_data(response) -> None:
    text = response.content.decode("utf-8")
    for value in PERSONAL:
        assert value not in text


def answered(handler, approver, **overrides) -> Feedback:
    feedback = submit(**overrides)
    answer = answers.draft_answer(
        actor=handler,
        feedback=feedback,
        body="Xã đã cho thu gom rác và đặt thùng rác mới ở đầu thôn.",
        public_title="Thu gom rác đầu thôn Nà Mỵ",
    )
    answers.submit_answer(actor=handler, answer=answer)
    answers.approve_answer(actor=approver, answer=answer)
    feedback.refresh_from_db()
    return feedback


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        data = response.json()
        endpoint = data["endpoints"][0]
        assert {"changeset", "contact", "endpoints"} <= set(data)
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["type"] == "production"
    else:
        root = xml(response)
        assert root.tag == "discovery"
        endpoint = root.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
        assert root.findtext("changeset")


def test_services_json_lists_active_categories(client):
    FeedbackCategory.objects.filter(code="khac").update(active=False)
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    codes = [s["service_code"] for s in services]
    assert "moi-truong" in codes
    assert "khac" not in codes
    assert len(codes) == FeedbackCategory.objects.filter(active=True).count()
    environment = next(s for s in services if s["service_code"] == "moi-truong")
    assert set(environment) == SERVICE_FIELDS
    assert environment["service_name"] == "Môi trường, rác thải, vệ sinh"  # Vietnamese intact
    assert environment["metadata"] is False
    assert environment["type"] == "realtime"
    assert environment["group"] == "Môi trường"


def test_services_xml(client):
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == FeedbackCategory.objects.filter(active=True).count()
    first = services[0]
    assert {child.tag for child in first} == SERVICE_FIELDS
    assert first.findtext("metadata") == "false"
    assert first.findtext("type") == "realtime"
    names = [s.findtext("service_name") for s in services]
    assert "Môi trường, rác thải, vệ sinh" in names


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition(client, fmt):
    response = client.get(f"{BASE}/services/moi-truong.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "moi-truong", "attributes": []}
    else:
        root = xml(response)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "moi-truong"
        assert root.find("attributes") is not None
        assert len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_error_format(client, fmt):
    response = client.get(f"{BASE}/services/khong-co.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 404
        assert "khong-co" in error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert "khong-co" in root.findtext("error/description")


def test_unknown_format_and_wrong_method(client):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == [{"code": 405, "description": "Phương thức POST không được hỗ trợ ở đây."}]
    response = client.delete(f"{BASE}/requests.xml")
    assert response.status_code == 405
    assert xml(response).findtext("error/code") == "405"
    assert client.get(f"{BASE}/").status_code == 302


def test_request_json_fields_and_no_personal_data(client):
    feedback = submit(address="Đầu thôn Nà Mỵ", latitude="21.9100", longitude="105.6300")
    response = client.get(f"{BASE}/requests/{feedback.public_id}.json")
    assert response.status_code == 200
    [data] = response.json()
    assert set(data) == REQUEST_FIELDS  # no media_url: nothing published
    assert data["service_request_id"] == feedback.public_id
    assert data["status"] == "open"
    assert data["status_notes"] == "Đã tiếp nhận — chờ xử lý"
    assert data["service_code"] == "moi-truong"
    assert data["description"] == feedback.title
    assert data["address"] == "Đầu thôn Nà Mỵ, Xã Định Hóa"
    assert data["address_id"] == "05569"
    assert data["zipcode"] is None
    assert data["lat"] == 21.91
    assert data["long"] == 105.63
    assert data["agency_responsible"] == "UBND Xã Định Hóa"
    assert data["requested_datetime"].endswith("+07:00")
    assert data["expected_datetime"] > data["requested_datetime"]
    no_personal_data(response)


def test_request_xml(client):
    feedback = submit()
    response = client.get(f"{BASE}/requests/{feedback.public_id}.xml")
    root = xml(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert {child.tag for child in request} == REQUEST_FIELDS
    assert request.findtext("service_request_id") == feedback.public_id
    assert request.findtext("status") == "open"
    assert request.findtext("zipcode") == ""  # empty element
    assert request.findtext("service_name") == "Môi trường, rác thải, vệ sinh"
    no_personal_data(response)


def test_unknown_request_is_404(client):
    response = client.get(f"{BASE}/requests/2000-999999.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"


def test_status_mapping_and_notes(client, handler, approver):
    received = submit()
    in_progress = handling.accept(
        actor=handler, feedback=submit(description="Đèn đường thôn Bản Quyền hỏng.")
    )
    done = answered(handler, approver, description="Cống thoát nước ở chợ bị tắc lâu ngày, đề nghị xử lý.")
    declined = handling.decline(
        actor=approver,
        feedback=submit(description="Nội dung quảng cáo không liên quan gì cả."),
        reason="Không thuộc phạm vi.",
    )
    overdue = submit(description="Đường vào trường tiểu học bị sạt lở một đoạn.")
    Feedback.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=1))
    ids = ",".join(f.public_id for f in (received, in_progress, done, declined, overdue))
    rows = {
        r["service_request_id"]: r
        for r in client.get(f"{BASE}/requests.json", {"service_request_id": ids}).json()
    }
    assert rows[received.public_id]["status"] == "open"
    assert rows[in_progress.public_id]["status_notes"] == "Đang xử lý"
    assert rows[done.public_id]["status"] == "closed"
    assert rows[done.public_id]["status_notes"].startswith("Đã trả lời — Xã đã cho thu gom rác")
    assert rows[done.public_id]["description"] == "Thu gom rác đầu thôn Nà Mỵ"  # the vetted public title
    assert rows[declined.public_id]["status"] == "closed"
    assert rows[declined.public_id]["status_notes"] == "Không thụ lý — Không thuộc phạm vi."
    assert rows[overdue.public_id]["status_notes"] == "Đã tiếp nhận — chờ xử lý (quá hạn xử lý)"
    awaiting = submit(description="Trạm y tế xã thiếu thuốc cảm cúm cho trẻ em.")
    answer = answers.draft_answer(actor=handler, feedback=awaiting, body="Trạm y tế đã bổ sung thuốc.")
    answers.submit_answer(actor=handler, answer=answer)
    [row] = client.get(f"{BASE}/requests/{awaiting.public_id}.json").json()
    assert (row["status"], row["status_notes"]) == ("open", "Đang xử lý — chờ duyệt trả lời")


def test_filters(client):
    old = submit(description="Rác thải ùn ứ ở bãi đất trống gần cầu treo.")
    Feedback.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=120))
    road = submit(
        category=FeedbackCategory.objects.get(code="giao-thong"), description="Ổ gà lớn trên đường tỉnh 268."
    )
    recent = submit(description="Nước thải từ xưởng gỗ chảy ra suối Chợ Chu.")
    Feedback.objects.filter(pk=recent.pk).update(status=Status.CLOSED)

    def ids(**params):
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    default = ids()
    assert {road.public_id, recent.public_id} <= default
    assert old.public_id not in default
    assert ids(service_code="giao-thong") == {road.public_id}
    assert road.public_id in ids(service_code="giao-thong,moi-truong")
    assert recent.public_id in ids(status="closed")
    assert road.public_id not in ids(status="closed")
    assert road.public_id in ids(status="open")
    assert recent.public_id not in ids(status="open")
    assert {road.public_id, recent.public_id} <= ids(status="open,closed")
    start = (timezone.now() - timedelta(days=130)).date().isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {old.public_id}
    assert ids(start_date=start + "T00:00:00Z", end_date=start) == set()
    assert ids(service_request_id=f"{old.public_id},{road.public_id}", status="closed") == {
        old.public_id,
        road.public_id,
    }
    root = xml(client.get(f"{BASE}/requests.xml", {"service_code": "giao-thong"}))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [road.public_id]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "hôm qua"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 ngày"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "start_date"),
    ],
)
def test_bad_filters_are_400(client, params, fragment):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert fragment in " ".join(e["description"] for e in response.json())


def test_list_is_capped_and_never_shows_personal_data(client, monkeypatch, handler, approver):
    answered(handler, approver)
    for i in range(3):
        submit(
            description=f"Phản ánh số {i} về rác thải ở khu chợ trung tâm xã.",
            ip_address=f"203.0.113.{i + 20}",
        )
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}")
        assert response.status_code == 200
        no_personal_data(response)
    assert len(client.get(f"{BASE}/requests.json").json()) == 4
    monkeypatch.setattr(public, "MAX_RESULTS", 2)
    assert len(client.get(f"{BASE}/requests.json").json()) == 2


def test_title_with_personal_data_is_replaced(client):
    feedback = submit(title="Tôi là Nguyễn Thị Hoà, số 0912345678, báo rác thải")
    [row] = client.get(f"{BASE}/requests/{feedback.public_id}.json").json()
    assert row["description"] == "Phản ánh về môi trường, rác thải, vệ sinh"
    no_personal_data(client.get(f"{BASE}/requests/{feedback.public_id}.json"))


def test_media_url_only_for_public_attachments(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nguon.feedback.models import FeedbackAttachment

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
        b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    feedback = submit(uploads=[SimpleUploadedFile("anh.png", png, content_type="image/png")])
    [row] = client.get(f"{BASE}/requests/{feedback.public_id}.json").json()
    assert "media_url" not in row
    attachment = FeedbackAttachment.objects.get(feedback=feedback)
    FeedbackAttachment.objects.filter(pk=attachment.pk).update(public=True)
    [row] = client.get(f"{BASE}/requests/{feedback.public_id}.json").json()
    assert row["media_url"] == f"http://testserver{BASE}/media/{feedback.public_id}/{attachment.pk}"
    media = client.get(row["media_url"])
    assert media.status_code == 200
    assert b"".join(media.streaming_content) == png
    FeedbackAttachment.objects.filter(pk=attachment.pk).update(public=False)
    assert client.get(row["media_url"]).status_code == 404


def test_commune_fixture_has_coordinates():
    """The lat/long → commune mapping relies on the official centre coordinates of communes."""
    unit = commune()
    assert unit.latitude is not None
    assert unit.longitude is not None
