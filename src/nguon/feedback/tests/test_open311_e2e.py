"""End to end with an Open311 client library from PyPI (``civicbot``'s GeoReport v2 client), over real
HTTP: it lists the services, reads a service definition, submits a request with an api_key and reads its
status — before and after the commune answers it.

``civicbot`` is used because it is a Python 3 GeoReport v2 client that can also *submit* requests
(``georeport`` only reads; ``open311`` and ``three`` are Python 2 only). It files a request only when told
``dry_run=False, confirm="SEND"``.
"""

from __future__ import annotations

import pytest
from civicbot import Endpoint, HttpError, HttpTransport, Open311Client
from civicbot.http import RateLimiter

from nguon.core.access import SYSTEM
from nguon.devices.tests.mosquitto import http_server
from nguon.feedback.models import Feedback
from nguon.feedback.services import answers, clients

pytestmark = pytest.mark.django_db

REPORTER = {"first_name": "Lý", "last_name": "Thị Mai", "phone": "0977111222", "email": "mai@example.vn"}


def open311_client(base_url: str) -> Open311Client:
    endpoint = Endpoint(
        id="nguon-thai-nguyen", name="Nguồn — Thái Nguyên", base_url=f"{base_url}/open311/v2", write=True
    )
    return Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))


def test_an_open311_client_lists_submits_and_reads_status(handler, approver):
    _row, key = clients.create_api_client(actor=SYSTEM, name="Ứng dụng Open311")
    with http_server() as base_url:
        client = open311_client(base_url)

        services = client.list_services()
        codes = {s["service_code"]: s for s in services}
        assert "moi-truong" in codes
        assert codes["moi-truong"]["service_name"] == "Môi trường, rác thải, vệ sinh"
        assert client.get_service_definition("moi-truong") == {"service_code": "moi-truong", "attributes": []}

        prepared = client.create_request(
            "moi-truong",
            dry_run=False,
            confirm="SEND",
            api_key=key,
            validate_remote=True,
            address_string="Chợ Chu, xã Định Hóa",
            description="Cống thoát nước trước chợ bị tắc, nước tràn ra đường khi mưa.",
            **REPORTER,
        )
        [created] = prepared.response
        request_id = created["service_request_id"]
        assert created["account_id"] is None
        feedback = Feedback.objects.get(public_id=request_id)
        assert feedback.unit.code == "05569"
        assert feedback.reporter_email == "mai@example.vn"

        status = client.get_request(request_id)
        assert status["status"] == "open"
        assert status["status_notes"] == "Đã tiếp nhận — chờ xử lý"
        assert status["service_code"] == "moi-truong"
        assert status["address_id"] == "05569"

        answer = answers.draft_answer(
            actor=handler,
            feedback=feedback,
            body="Xã đã nạo vét cống thoát nước trước chợ Chợ Chu.",
            public_title="Nạo vét cống trước chợ",
        )
        answers.submit_answer(actor=handler, answer=answer)
        answers.approve_answer(actor=approver, answer=answer)

        status = client.get_request(request_id)
        assert status["status"] == "closed"
        assert status["status_notes"] == "Đã trả lời — Xã đã nạo vét cống thoát nước trước chợ Chợ Chu."
        assert status["description"] == "Nạo vét cống trước chợ"
        listed = client.list_requests(service_request_ids=[request_id], status="closed")
        assert [r["service_request_id"] for r in listed] == [request_id]
        everything = str(client.list_requests()) + str(status)
        for secret in (*REPORTER.values(), "977111222"):
            assert secret not in everything

        with pytest.raises(HttpError) as refused:
            client.create_request(
                "moi-truong",
                dry_run=False,
                confirm="SEND",
                api_key="ng311_wrong",
                address_id="05569",
                description="Một phản ánh gửi bằng khoá sai, không được nhận.",
            )
        assert refused.value.status == 403
        assert '"code": 403' in refused.value.body
    assert Feedback.objects.count() == 1
