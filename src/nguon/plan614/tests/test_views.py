"""The tracker's pages through the Django test client: who sees them, who gets the forms, posting
through them (with bad input and a bad file), and 404 for everyone else."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.core.access import SYSTEM
from nguon.plan614 import services
from nguon.plan614.models import Measurement, ProgressUpdate
from nguon.plan614.selectors import local_today
from nguon.plan614.tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def test_dashboard_renders_for_the_plan_s_people_and_404_for_another_province(
    client: Any, plan: Any, people: Any
) -> None:
    assert client.get("/plan614/").status_code == 302  # sign in first
    for person in (people.board, people.lead, people.commune_editor):
        client.force_login(person)
        page = client.get("/plan614/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "100% xã có cụm loa CNTT-VT hoạt động" in html
        assert "Phát triển thông tin cơ sở" in html
        assert "Chưa có số liệu" in html  # a status is written out, not only coloured
    client.force_login(people.foreign)
    assert client.get("/plan614/").status_code == 404
    assert client.get(f"/plan614/targets/{plan.entered.pk}/").status_code == 404
    assert client.get(f"/plan614/tasks/{plan.task.pk}/").status_code == 404


def test_dashboard_shows_values_trend_status_and_filters(client: Any, plan: Any, people: Any) -> None:
    today = local_today()
    for days_ago, value in ((30, "40"), (0, "45")):
        services.record_measurement(
            actor=SYSTEM,
            target=plan.entered,
            measured_on=today - timedelta(days=days_ago),
            value=value,
            evidence_link="https://example.vn/bc",
        )
    client.force_login(people.board)
    html = client.get("/plan614/").content.decode()
    row = html[html.index("100% cơ quan báo chí vận hành tòa soạn hội tụ") :]
    row = row[: row.index("</tr>")]
    assert "45%" in row
    assert "+5" in row
    assert "▲" in row
    assert 'aria-valuenow="45"' in row
    assert "Đúng tiến độ" in row
    at_risk = client.get("/plan614/?target_health=at_risk").content.decode()
    assert "tòa soạn hội tụ" not in at_risk
    on_track = client.get("/plan614/?target_health=on_track&horizon=2030").content.decode()
    assert "tòa soạn hội tụ" in on_track
    assert "Số cụm loa CNTT-VT toàn tỉnh" not in on_track


def test_mine_filter_keeps_the_tasks_the_person_reports_on(client: Any, plan: Any, people: Any) -> None:
    client.force_login(people.lead)
    html = client.get("/plan614/?mine=on").content.decode()
    assert "Phát triển thông tin cơ sở" in html
    assert "Hiện đại hóa cơ sở truyền thanh" not in html


def test_target_page_has_history_sparkline_and_the_form_only_for_managers(
    client: Any, plan: Any, people: Any, media: Path
) -> None:
    url = f"/plan614/targets/{plan.entered.pk}/"
    client.force_login(people.lead)
    page = client.get(url).content.decode()
    assert "Nhập số liệu" not in page
    assert (
        client.post(f"{url}measurements/", {"measured_on": local_today(), "value": "50"}).status_code == 404
    )
    client.force_login(people.board)
    assert "Nhập số liệu" in client.get(url).content.decode()
    bad = client.post(f"{url}measurements/", {"measured_on": local_today().isoformat(), "value": "-3"})
    assert bad.status_code == 400
    assert "Giá trị không được âm." in bad.content.decode()
    no_evidence = client.post(
        f"{url}measurements/", {"measured_on": local_today().isoformat(), "value": "30"}
    )
    assert "Cần tệp minh chứng hoặc liên kết minh chứng." in no_evidence.content.decode()
    assert not Measurement.objects.exists()
    ok = client.post(
        f"{url}measurements/",
        {
            "measured_on": (local_today() - timedelta(days=10)).isoformat(),
            "value": "30",
            "evidence": SimpleUploadedFile("bao-cao.pdf", PDF),
        },
        follow=True,
    )
    assert "Đã ghi nhận số liệu." in ok.content.decode()
    services.record_measurement(
        actor=people.board,
        target=plan.entered,
        measured_on=local_today(),
        value="35",
        evidence_link="https://a.vn",
    )
    page = client.get(url).content.decode()
    points = re.search(r'<polyline points="([^"]+)"', page)
    assert points is not None
    assert len(points.group(1).split()) == 2
    measurement = Measurement.objects.get(value=Decimal(30))
    download = client.get(f"/plan614/evidence/measurements/{measurement.pk}/")
    assert b"".join(download.streaming_content) == PDF
    client.force_login(people.foreign)
    assert client.get(f"/plan614/evidence/measurements/{measurement.pk}/").status_code == 404


def test_task_page_form_for_lead_and_partner_people_only(
    client: Any, plan: Any, people: Any, media: Path
) -> None:
    url = f"/plan614/tasks/{plan.task.pk}/"
    data = {"reported_on": local_today().isoformat(), "percent": "30", "text": "Đã khảo sát 20 xã."}
    client.force_login(people.outsider)
    assert client.get(url).status_code == 200
    assert "Báo cáo tiến độ" not in client.get(url).content.decode()
    assert client.post(f"{url}updates/", data).status_code == 404
    client.force_login(people.partner)
    assert "Báo cáo tiến độ" in client.get(url).content.decode()
    too_much = client.post(f"{url}updates/", data | {"percent": "120"})
    assert too_much.status_code == 400
    assert "Tỷ lệ hoàn thành phải từ 0 đến 100." in too_much.content.decode()
    renamed = client.post(f"{url}updates/", data | {"evidence": SimpleUploadedFile("anh.pdf", PNG)})
    assert renamed.status_code == 400
    assert "nhưng nội dung là PNG" in renamed.content.decode()
    assert not ProgressUpdate.objects.exists()
    done = client.post(f"{url}updates/", data | {"evidence": SimpleUploadedFile("anh.png", PNG)}, follow=True)
    html = done.content.decode()
    assert "Đã ghi nhận tiến độ." in html
    assert "Đã khảo sát 20 xã." in html
    assert "30%" in html
    update = ProgressUpdate.objects.get()
    assert client.get(f"/plan614/evidence/updates/{update.pk}/").status_code == 200
