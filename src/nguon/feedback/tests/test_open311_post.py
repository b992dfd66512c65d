"""Open311 ``POST requests``: api_key (missing, wrong, revoked → 403), location → commune, 400 with every
reason, 429 after the rate limit, idempotency, media_url kept as a note; API keys and their command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from lxml import etree

from nguon.core.access import SYSTEM
from nguon.core.models import AuditEvent
from nguon.feedback.choices import Channel, EventKind
from nguon.feedback.models import ApiClient, Feedback, FeedbackEvent
from nguon.feedback.services import clients

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


@pytest.fixture
def api_key() -> str:
    _client, key = clients.create_api_client(actor=SYSTEM, name="Ứng dụng thử nghiệm")
    return key


def form(key: str, **overrides: str) -> dict[str, str]:
    data = {
        "api_key": key,
        "service_code": "moi-truong",
        "address_id": "05569",
        "description": "Bãi rác tự phát ở đầu thôn Nà Mỵ bốc mùi, đề nghị xã cho thu gom.",
        "first_name": "Nguyễn",
        "last_name": "Văn Bình",
        "phone": "0987654321",
        "email": "binh@example.vn",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_post_creates_feedback_and_answers_in_the_standard_shape(client, api_key):
    response = client.post(URL, form(api_key), REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 200, response.content
    [body] = response.json()
    assert set(body) == {"service_request_id", "service_notice", "account_id"}
    assert body["account_id"] is None
    assert body["service_notice"].startswith("Hạn trả lời: ")
    feedback = Feedback.objects.get(public_id=body["service_request_id"])
    assert feedback.channel == Channel.OPEN311
    assert feedback.api_client.name == "Ứng dụng thử nghiệm"
    assert feedback.unit.code == "05569"
    assert feedback.reporter_name == "Nguyễn Văn Bình"
    assert feedback.reporter_phone == "0987654321"
    assert feedback.reporter_email == "binh@example.vn"
    assert feedback.reporter_ip_hash  # hashed, never the address itself
    assert "198.51.100.10" not in feedback.reporter_ip_hash
    assert AuditEvent.objects.filter(action="feedback.receive", target_id=str(feedback.pk)).exists()


def test_post_xml(client, api_key):
    response = client.post("/open311/v2/requests.xml", form(api_key))
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert {c.tag for c in request} == {"service_request_id", "service_notice", "account_id"}
    assert Feedback.objects.filter(public_id=request.findtext("service_request_id")).exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_wrong_api_key_is_403(client, fmt, api_key):
    url = f"/open311/v2/requests.{fmt}"
    for data in (form(""), form("ng311_not-a-real-key"), form("anything")):
        response = client.post(url, data)
        assert response.status_code == 403
        if fmt == "json":
            [error] = response.json()
            assert error["code"] == 403
            assert "api_key" in error["description"]
        else:
            root = etree.fromstring(response.content)
            assert root.tag == "errors"
            assert root.findtext("error/code") == "403"
    assert not Feedback.objects.exists()


def test_revoked_key_is_403(client, api_key):
    client_row = clients.client_for_key(api_key)
    assert client_row is not None
    clients.revoke_api_client(actor=SYSTEM, client=client_row)
    response = client.post(URL, form(api_key))
    assert response.status_code == 403
    assert "thu hồi" in response.json()[0]["description"]
    assert clients.client_for_key(api_key) is None


def test_bad_request_lists_every_problem(client, api_key):
    response = client.post(
        URL,
        form(api_key, service_code="khong-co", address_id="", description="ngắn", phone="12", email="sai"),
    )
    assert response.status_code == 400
    descriptions = [e["description"] for e in response.json()]
    assert all(e["code"] == 400 for e in response.json())
    joined = " | ".join(descriptions)
    assert "service_code" in joined
    assert "location" in joined
    assert "description" in joined
    assert "phone" in joined
    assert "email" in joined
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("fields", "commune"),
    [
        ({"address_id": "05443"}, "05443"),
        ({"address_id": "", "address_string": "Cầu treo thôn Nà Mỵ, xã Định Hoá"}, "05569"),
        ({"address_id": "", "address_string": "Tổ 5, Phan Đình Phùng, Thái Nguyên"}, "05443"),
    ],
)
def test_location_by_code_or_name(client, api_key, fields, commune):
    response = client.post(URL, form(api_key, **fields))
    assert response.status_code == 200, response.content
    feedback = Feedback.objects.get(public_id=response.json()[0]["service_request_id"])
    assert feedback.unit.code == commune
    if "address_string" in fields:
        assert feedback.address == fields["address_string"]


def test_location_by_coordinates_is_the_nearest_commune(client, api_key):
    from decimal import Decimal

    from nguon.feedback.tests.fixtures import commune

    unit = commune()
    lat, lon = unit.latitude + Decimal("0.002"), unit.longitude - Decimal("0.002")
    response = client.post(URL, form(api_key, address_id="", lat=str(lat), long=str(lon)))
    assert response.status_code == 200, response.content
    feedback = Feedback.objects.get(public_id=response.json()[0]["service_request_id"])
    assert feedback.unit == unit
    assert feedback.latitude == lat


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"address_id": "99999"}, "address_id"),
        ({"address_id": "", "address_string": "123 Main Street"}, "address_string"),
        ({"address_id": "", "lat": "10.77", "long": "106.70"}, "ngoài địa bàn"),  # Hồ Chí Minh City
        ({"address_id": "", "lat": "21.9"}, "lat và long"),
        ({"address_id": "", "lat": "abc", "long": "105.6"}, "lat"),
        ({"address_id": ""}, "Cần vị trí"),
    ],
)
def test_bad_location_is_400(client, api_key, fields, fragment):
    response = client.post(URL, form(api_key, **fields))
    assert response.status_code == 400
    assert fragment in response.json()[0]["description"]


def test_rate_limit_is_429_with_retry_after(client, api_key, settings):
    settings.NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        data = form(api_key, phone="", description=f"Phản ánh thứ {n} về rác thải ở chợ trung tâm.")
        assert client.post(URL, data, REMOTE_ADDR="198.51.100.20").status_code == 200
    response = client.post("/open311/v2/requests.xml", form(api_key, phone=""), REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    root = etree.fromstring(response.content)
    assert root.findtext("error/code") == "429"
    assert "tối đa 2" in root.findtext("error/description")
    assert Feedback.objects.count() == 2
    other = client.post(URL, form(api_key, phone=""), REMOTE_ADDR="198.51.100.21")
    assert other.status_code == 200


def test_idempotency_key_returns_the_first_request(client, api_key):
    first = client.post(URL, form(api_key), HTTP_IDEMPOTENCY_KEY="app-123")
    again = client.post(URL, form(api_key), HTTP_IDEMPOTENCY_KEY="app-123")
    assert first.status_code == again.status_code == 200
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().external_id == "app-123"


def test_media_url_and_attributes_are_kept_as_an_internal_note(client, api_key):
    response = client.post(
        URL,
        form(api_key, media_url="https://example.org/anh/123.jpg", **{"attribute[muc_do]": "nặng"}),
    )
    feedback = Feedback.objects.get(public_id=response.json()[0]["service_request_id"])
    note = FeedbackEvent.objects.get(feedback=feedback, kind=EventKind.NOTE)
    assert note.internal
    assert "https://example.org/anh/123.jpg" in note.message
    assert "muc_do = nặng" in note.message
    assert not feedback.attachments.exists()  # never fetched
    bad = client.post(URL, form(api_key, media_url="file:///etc/passwd"))
    assert bad.status_code == 400
    assert "media_url" in bad.json()[0]["description"]


def test_submitted_request_reads_back_without_personal_data(client, api_key):
    response = client.post(URL, form(api_key))
    public_id = response.json()[0]["service_request_id"]
    read = client.get(f"/open311/v2/requests/{public_id}.json")
    text = read.content.decode()
    for secret in ("Nguyễn", "Văn Bình", "0987654321", "987654321", "binh@example.vn"):
        assert secret not in text
    assert read.json()[0]["status"] == "open"


def test_api_key_service_is_audited_and_needs_configure(handler):
    client_row, key = clients.create_api_client(actor=SYSTEM, name="Cổng dịch vụ công")
    assert key.startswith("ng311_")
    assert client_row.key_hash == clients.hash_key(key)
    assert key not in str(ApiClient.objects.filter(pk=client_row.pk).values().get())
    assert AuditEvent.objects.filter(action="feedback.api_client.create").count() == 1
    from django.http import Http404

    with pytest.raises(Http404):
        clients.create_api_client(actor=handler, name="Không được phép")
    with pytest.raises(Exception, match="tên"):
        clients.create_api_client(actor=SYSTEM, name="  ")


def test_api_key_command():
    out = StringIO()
    call_command("feedback", "api-key", "create", "Ứng dụng di động", "--channel", "mobile_app", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client_row = clients.client_for_key(key)
    assert client_row is not None
    assert client_row.channel == "mobile_app"
    listing = StringIO()
    call_command("feedback", "api-key", "list", stdout=listing)
    assert "active" in listing.getvalue()
    assert key not in listing.getvalue()
    call_command("feedback", "api-key", "revoke", str(client_row.pk), stdout=StringIO())
    assert clients.client_for_key(key) is None
    listing = StringIO()
    call_command("feedback", "api-key", "list", stdout=listing)
    assert "revoked" in listing.getvalue()
