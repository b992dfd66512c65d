"""The screens where the plan's managers add and correct targets and tasks: create and edit through the
views (audited, NFC stored), bad input (Vietnamese error on its field, 422, nothing written), and who may
open them (managers only: 404 for everyone else, sign-in first)."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from nguon.core.models import AuditEvent
from nguon.plan614.models import Target, Task

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def target_data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "t-moi",
        "wording": nfd("100% xã có bảng tin điện tử công cộng"),
        "section": nfd("Thông tin cơ sở"),
        "horizon": "2030",
        "measure_unit": "percent",
        "target_value": "90",
        "method": "entered",
        "computed_key": "",
        "position": "7",
    }
    return data | changes


def task_data(**changes: Any) -> dict[str, Any]:
    data = {
        "number": "11",
        "title": nfd("Số hóa tư liệu báo chí"),
        "description": "",
        "lead_text": nfd("Sở Khoa học và Công nghệ"),
        "partner_text": "",
        "funding": ["state_local"],
        "period_start": "2024-04-01",
        "period_end": "2030-12-31",
        "period_text": "2024-2030",
        "status": "not_started",
    }
    return data | changes


def test_manager_adds_a_target_from_the_dashboard(client: Any, plan: Any, people: Any) -> None:
    client.force_login(people.board)
    dashboard = client.get("/plan614/").content.decode()
    assert "Thêm mục tiêu" in dashboard
    assert 'href="/plan614/targets/new/"' in dashboard
    page = client.get("/plan614/targets/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_code"' in html
    assert 'for="id_computed_key"' in html
    assert "Tỷ lệ xã, phường có cụm loa CNTT-VT đang hoạt động" in html  # computed keys by their label

    response = client.post("/plan614/targets/new/", target_data())
    target = Target.objects.get(code="t-moi")
    assert response.status_code == 302
    assert response["Location"] == f"/plan614/targets/{target.pk}/"
    assert target.unit == plan.province
    assert target.wording == "100% xã có bảng tin điện tử công cộng"
    assert unicodedata.is_normalized("NFC", target.wording)
    assert unicodedata.is_normalized("NFC", target.section)
    assert (target.horizon, target.target_value, target.method, target.position) == (
        2030,
        Decimal("90.00"),
        "entered",
        7,
    )
    event = AuditEvent.objects.get(action="plan614.target.create", target_id=str(target.pk))
    assert event.actor_id == people.board.pk
    assert "Đã thêm mục tiêu." in client.get(response["Location"]).content.decode()


def test_manager_corrects_a_target(client: Any, plan: Any, people: Any) -> None:
    client.force_login(people.board)
    url = f"/plan614/targets/{plan.entered.pk}/"
    assert "Sửa mục tiêu" in client.get(url).content.decode()
    form = client.get(f"{url}edit/").content.decode()
    assert "100% cơ quan báo chí vận hành tòa soạn hội tụ" in form  # pre-filled
    assert 'value="t-hoi-tu"' in form

    data = target_data(
        code="t-hoi-tu",
        wording=nfd("Tất cả cơ quan báo chí vận hành tòa soạn hội tụ"),
        method="computed",
        computed_key="communes_eboard_working",
    )
    response = client.post(f"{url}edit/", data)
    assert response.status_code == 302
    assert response["Location"] == url
    plan.entered.refresh_from_db()
    assert plan.entered.wording == "Tất cả cơ quan báo chí vận hành tòa soạn hội tụ"
    assert (plan.entered.method, plan.entered.computed_key) == ("computed", "communes_eboard_working")
    event = AuditEvent.objects.get(action="plan614.target.update", target_id=str(plan.entered.pk))
    assert event.before["wording"] == "100% cơ quan báo chí vận hành tòa soạn hội tụ"
    assert event.after["computed_key"] == "communes_eboard_working"
    assert "Đã lưu thay đổi của mục tiêu." in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target_value": "150"}, "target_value", "Tỷ lệ mục tiêu không quá 100%."),
        ({"target_value": "-1"}, "target_value", "Giá trị không được âm."),
        (
            {"method": "computed", "computed_key": ""},
            "computed_key",
            "Chỉ số tính tự động không có trong hệ thống.",
        ),
        ({"code": "t-cum-loa"}, "code", "Mã mục tiêu đã có."),
        ({"wording": "  "}, "wording", "Cần nhập nội dung mục tiêu."),
    ],
)
def test_bad_target_input_shows_the_error_on_its_field_and_writes_nothing(
    client: Any, plan: Any, people: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(people.board)
    events = AuditEvent.objects.count()
    before = Target.objects.count()
    response = client.post("/plan614/targets/new/", target_data(**changes))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert response.context["form"].errors[field] == [message]
    assert Target.objects.count() == before
    assert AuditEvent.objects.count() == events

    edit = client.post(
        f"/plan614/targets/{plan.entered.pk}/edit/", target_data(**({"code": "t-hoi-tu"} | changes))
    )
    assert edit.status_code == 422
    assert edit.context["form"].errors[field] == [message]
    plan.entered.refresh_from_db()
    assert plan.entered.wording == "100% cơ quan báo chí vận hành tòa soạn hội tụ"
    assert AuditEvent.objects.count() == events


def test_manager_adds_a_task(client: Any, plan: Any, people: Any) -> None:
    client.force_login(people.board)
    assert "Thêm nhiệm vụ" in client.get("/plan614/").content.decode()
    page = client.get("/plan614/tasks/new/").content.decode()
    assert 'type="checkbox" name="funding"' in page
    assert 'type="date" name="period_start"' in page

    response = client.post("/plan614/tasks/new/", task_data(funding=["state_local", "other"]))
    task = Task.objects.get(number=11)
    assert response.status_code == 302
    assert response["Location"] == f"/plan614/tasks/{task.pk}/"
    assert task.unit == plan.province
    assert task.title == "Số hóa tư liệu báo chí"
    assert unicodedata.is_normalized("NFC", task.title)
    assert unicodedata.is_normalized("NFC", task.lead_text)
    assert task.funding == ["state_local", "other"]
    assert (task.period_start, task.period_end) == (date(2024, 4, 1), date(2030, 12, 31))
    assert AuditEvent.objects.filter(action="plan614.task.create", target_id=str(task.pk)).exists()
    assert "Đã thêm nhiệm vụ." in client.get(response["Location"]).content.decode()


def test_manager_corrects_a_task_s_funding_period_and_status_keeping_its_links(
    client: Any, plan: Any, people: Any
) -> None:
    client.force_login(people.board)
    url = f"/plan614/tasks/{plan.task.pk}/"
    assert "Sửa nhiệm vụ" in client.get(url).content.decode()
    page = client.get(f"{url}edit/")
    assert "Phát triển thông tin cơ sở" in page.content.decode()
    assert page.context["form"]["funding"].value() == ["state_local", "socialisation"]

    data = task_data(
        number="5",
        title="Phát triển thông tin cơ sở",
        lead_text=nfd("Sở Thử nghiệm Chủ trì"),
        partner_text=nfd("Sở Thử nghiệm Phối hợp, xã Định Hóa"),
        funding=["state_central"],
        period_start="2024-06-01",
        period_end="2027-12-31",
        period_text=nfd("2024-2027 (đã đối chiếu bản ký)"),
        status="in_progress",
    )
    response = client.post(f"{url}edit/", data)
    assert response.status_code == 302
    assert response["Location"] == url
    plan.task.refresh_from_db()
    assert plan.task.funding == ["state_central"]
    assert (plan.task.period_start, plan.task.period_end) == (date(2024, 6, 1), date(2027, 12, 31))
    assert plan.task.period_text == "2024-2027 (đã đối chiếu bản ký)"
    assert plan.task.status == "in_progress"
    assert unicodedata.is_normalized("NFC", plan.task.partner_text)
    assert list(plan.task.lead_organisations.all()) == [plan.lead_org]  # links unchanged
    assert list(plan.task.partner_units.all()) != []
    event = AuditEvent.objects.get(action="plan614.task.update", target_id=str(plan.task.pk))
    assert event.before["funding"] == ["state_local", "socialisation"]
    assert event.after["funding"] == ["state_central"]
    assert "Đã lưu thay đổi của nhiệm vụ." in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period_end": "2024-01-01"}, "period_end", "Ngày kết thúc phải sau ngày bắt đầu."),
        ({"funding": []}, "funding", "Chọn nguồn kinh phí trong danh mục."),
        ({"funding": ["state_local", "lottery"]}, "funding", "Chọn nguồn kinh phí trong danh mục."),
        ({"number": "6"}, "number", "Đã có nhiệm vụ số này."),
        ({"number": "0"}, "number", "Số thứ tự phải là số nguyên dương."),
        ({"title": " "}, "title", "Cần nhập tên nhiệm vụ."),
    ],
)
def test_bad_task_input_shows_the_error_on_its_field_and_writes_nothing(
    client: Any, plan: Any, people: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(people.board)
    events = AuditEvent.objects.count()
    before = Task.objects.count()
    response = client.post("/plan614/tasks/new/", task_data(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert response.context["form"].errors[field] == [message]
    assert Task.objects.count() == before

    edit = client.post(f"/plan614/tasks/{plan.task.pk}/edit/", task_data(**changes))
    assert edit.status_code == 422
    assert edit.context["form"].errors[field] == [message]
    plan.task.refresh_from_db()
    assert plan.task.funding == ["state_local", "socialisation"]
    assert plan.task.number == 5
    assert AuditEvent.objects.count() == events


def test_people_who_do_not_manage_the_plan_see_no_links_and_cannot_open_or_post(
    client: Any, plan: Any, people: Any
) -> None:
    urls = [
        "/plan614/targets/new/",
        f"/plan614/targets/{plan.entered.pk}/edit/",
        "/plan614/tasks/new/",
        f"/plan614/tasks/{plan.task.pk}/edit/",
    ]
    for person in (people.commune_editor, people.lead, people.partner):
        client.force_login(person)
        for page in ("/plan614/", f"/plan614/targets/{plan.entered.pk}/", f"/plan614/tasks/{plan.task.pk}/"):
            html = client.get(page).content.decode()
            for label in ("Thêm mục tiêu", "Sửa mục tiêu", "Thêm nhiệm vụ", "Sửa nhiệm vụ"):
                assert label not in html
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[0], target_data()).status_code == 404
        assert client.post(urls[1], target_data(code="t-hoi-tu", wording="Sửa trái phép")).status_code == 404
        assert client.post(urls[2], task_data()).status_code == 404
        assert client.post(urls[3], task_data(number="5", funding=["other"])).status_code == 404
    client.force_login(people.foreign)
    for url in urls:
        assert client.get(url).status_code == 404
    plan.entered.refresh_from_db()
    plan.task.refresh_from_db()
    assert plan.entered.wording == "100% cơ quan báo chí vận hành tòa soạn hội tụ"
    assert plan.task.funding == ["state_local", "socialisation"]
    assert not Target.objects.filter(code="t-moi").exists()
    assert not Task.objects.filter(number=11).exists()
    assert not AuditEvent.objects.filter(action__in=["plan614.target.update", "plan614.task.update"]).exists()


def test_anonymous_is_sent_to_sign_in(client: Any, plan: Any) -> None:
    for url in (
        "/plan614/targets/new/",
        f"/plan614/targets/{plan.entered.pk}/edit/",
        "/plan614/tasks/new/",
        f"/plan614/tasks/{plan.task.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
        assert client.post(url, target_data()).status_code == 302
    assert not Target.objects.filter(code="t-moi").exists()
