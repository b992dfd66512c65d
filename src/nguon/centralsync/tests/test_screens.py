"""The /centralsync/ screen, the API and the command: who may use them, the status and the log they show,
and "push now" reaching the (fake) central system through ``push_task``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from nguon.accounts.choices import Role
from nguon.centralsync.choices import Outcome
from nguon.centralsync.models import Exchange, SyncCursor
from nguon.centralsync.tasks import push_task
from nguon.centralsync.tests import rows
from nguon.centralsync.tests.conftest import TOKEN, FakeCentral, Reply
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings: Any, central: FakeCentral) -> FakeCentral:
    settings.NGUON_CENTRAL_SYNC_URL = central.url
    settings.NGUON_CENTRAL_SYNC_TOKEN = TOKEN
    return central


@pytest.fixture
def admin_client(client: Any, make_user: Callable[..., Any]) -> Any:
    user = make_user(Role.SYSTEM_ADMIN)
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return client


def test_the_screen_shows_pending_items_and_the_log(
    admin_client: Any, configured: FakeCentral, commune: Any, past: datetime
) -> None:
    rows.bulletin(commune, "Tin chờ gửi", at=past)
    rows.bulletin(commune, "Tin thứ hai", at=past)
    page = admin_client.get("/centralsync/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đồng bộ lên hệ thống trung ương" in html
    assert 'data-dataset="bulletins"' in html
    row = html.split('data-dataset="bulletins"')[1].split("</tr>")[0]
    assert "<td data-pending>2</td>" in row
    assert "Chưa có lượt trao đổi nào." in html


def test_push_now_button_runs_the_task_and_logs_the_exchange(
    admin_client: Any,
    configured: FakeCentral,
    commune: Any,
    past: datetime,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows.bulletin(commune, "Tin gửi ngay", at=past)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/centralsync/push/", {"dataset": "bulletins"})
    assert response.status_code == 302
    assert [r["path"] for r in configured.requests] == ["/ndxp/v1/datasets/bulletins/batches"]
    assert AuditEvent.objects.filter(
        action="centralsync.push.request", actor_label__startswith="user"
    ).exists()
    assert AuditEvent.objects.filter(
        action="centralsync.batch.push", actor_label="[task:centralsync]"
    ).exists()
    page = admin_client.get("/centralsync/?dataset=bulletins&outcome=accepted")
    assert page.content.decode().count("data-exchange=") == 1
    assert admin_client.get("/centralsync/?outcome=failed").content.decode().count("data-exchange=") == 0


def test_push_now_without_configuration_says_so(admin_client: Any, settings: Any) -> None:
    settings.NGUON_CENTRAL_SYNC_URL = ""
    response = admin_client.post("/centralsync/push/", follow=True)
    assert "Chưa cấu hình kết nối đồng bộ lên trung ương" in response.content.decode()
    assert not AuditEvent.objects.filter(action="centralsync.push.request").exists()


def test_people_without_the_action_get_404(
    client: Any, make_user: Callable[..., Any], commune: Any, province: Any
) -> None:
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.force_login(editor)
    assert client.get("/centralsync/").status_code == 404
    assert client.post("/centralsync/push/").status_code == 404
    assert client.get("/api/v1/centralsync/status").status_code == 404
    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    client.force_login(approver)
    session = client.session
    session["nguon_2fa_user"] = approver.pk
    session.save()
    assert client.get("/api/v1/centralsync/status").status_code == 200


def test_api_status_exchanges_and_push(
    admin_client: Any,
    configured: FakeCentral,
    commune: Any,
    past: datetime,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows.bulletin(commune, "Tin qua API", at=past)
    status = admin_client.get("/api/v1/centralsync/status").json()
    assert [s["dataset"] for s in status] == ["inventory", "bulletins", "broadcasts", "statistics"]
    assert next(s for s in status if s["dataset"] == "bulletins")["pending"] == 1

    configured.script = [Reply(503, {"Retry-After": "0"}), Reply(200)]  # the task's client really sleeps
    with django_capture_on_commit_callbacks(execute=True):
        pushed = admin_client.post(
            "/api/v1/centralsync/push",
            data=json.dumps({"dataset": "bulletins"}),
            content_type="application/json",
        )
    assert pushed.status_code == 202
    assert pushed.json() == {"queued": ["bulletins"]}

    log = admin_client.get("/api/v1/centralsync/exchanges?dataset=bulletins").json()
    assert [(e["attempt"], e["status_code"], e["outcome"]) for e in log] == [
        (2, 200, Outcome.ACCEPTED),
        (1, 503, Outcome.RETRY),
    ]
    assert log[0]["idempotency_key"] == log[1]["idempotency_key"]
    assert admin_client.get("/api/v1/centralsync/exchanges?outcome=retry").json()[0]["attempt"] == 1
    after = admin_client.get("/api/v1/centralsync/status").json()
    assert next(s for s in after if s["dataset"] == "bulletins")["pending"] == 0
    bad = admin_client.post(
        "/api/v1/centralsync/push", data=json.dumps({"dataset": "khong-co"}), content_type="application/json"
    )
    assert bad.status_code == 422


def test_command_push_and_status(configured: FakeCentral, commune: Any, past: datetime) -> None:
    rows.bulletin(commune, "Tin từ dòng lệnh", at=past)
    out = StringIO()
    call_command("centralsync", "push", "--dataset", "bulletins", stdout=out)
    assert "bulletins: 1 mục trong 1 lô" in out.getvalue()
    status = StringIO()
    call_command("centralsync", "status", stdout=status)
    assert "bulletins" in status.getvalue()
    assert "chờ      0" in status.getvalue()

    rows.bulletin(commune, "Tin bị từ chối", at=past)
    configured.script = [Reply(422, body=b'{"message": "sai hop dong"}')]
    with pytest.raises(CommandError):
        call_command("centralsync", "push", "--dataset", "bulletins", stdout=StringIO())
    assert SyncCursor.objects.get(dataset="bulletins").last_error
    assert Exchange.objects.filter(status_code=422).count() == 1


def test_the_task_does_nothing_when_not_configured(settings: Any) -> None:
    settings.NGUON_CENTRAL_SYNC_URL = ""
    assert push_task.call() == {"datasets": [], "configured": False}
