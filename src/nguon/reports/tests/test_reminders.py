"""Reminders 7 and 2 days before the due date: the commune's reporters get one notice per threshold,
however often the job runs; communes that submitted, rounds not opened and locked rounds get none."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from nguon.accounts.choices import Role
from nguon.content.models import Notification
from nguon.core.models import AuditEvent
from nguon.reports.models import ReminderSent
from nguon.reports.periods import parse
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.reports.services.reminders import KIND, remind_due, threshold_for
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

DUE = parse("2026-H1").due
GOOD = {
    "propagandists": Figure("12", "QĐ 15"),
    "staff_trained": Figure("3", "Sổ"),
    "websites": Figure("1", "Cổng"),
}


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "late": make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA)),
        "late_approver": make_user(Role.COMMUNE_APPROVER, unit=commune(DINH_HOA)),
        "late_operator": make_user(Role.COMMUNE_OPERATOR, unit=commune(DINH_HOA)),
        "done": make_user(Role.COMMUNE_EDITOR, unit=commune(PHO_YEN)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
    }


def _notices(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=KIND).order_by("pk"))


def test_thresholds() -> None:
    assert [threshold_for(d) for d in (10, 8, 7, 5, 3, 2, 1, 0, -1)] == [None, None, 7, 7, 7, 2, 2, 2, None]


def test_reminded_once_per_threshold_and_not_those_who_submitted(people: dict[str, Any]) -> None:
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")
    done = cycles.report_for(actor=people["done"], cycle=cycle, unit=commune(PHO_YEN))
    cycles.save_figures(actor=people["done"], report=done, figures=GOOD)
    cycles.submit(actor=people["done"], report=done)

    assert remind_due(today=DUE - timedelta(days=8)).communes == 0
    assert not Notification.objects.filter(kind=KIND).exists()

    first = remind_due(today=DUE - timedelta(days=7))
    assert first.communes == ReminderSent.objects.count() > 1  # every commune but the one that submitted
    notices = _notices(people["late"])
    assert len(notices) == 1
    assert notices[0].message == (
        "Báo cáo 6 tháng đầu năm 2026 của Xã Định Hóa chưa gửi; hạn nộp 10/06/2026 (còn 7 ngày)."
    )
    assert notices[0].url == f"/reports/2026-H1/commune/{DINH_HOA}/"
    assert len(_notices(people["late_approver"])) == 1
    assert _notices(people["late_operator"]) == []  # operators do not submit reports
    assert _notices(people["done"]) == []
    assert not ReminderSent.objects.filter(unit__code=PHO_YEN).exists()
    assert AuditEvent.objects.filter(action="reports.reminders.sent").count() == 1

    # again the same day and the days after: nothing new until the 2-day threshold
    assert remind_due(today=DUE - timedelta(days=7)).communes == 0
    assert remind_due(today=DUE - timedelta(days=4)).communes == 0
    assert len(_notices(people["late"])) == 1
    remind_due(today=DUE - timedelta(days=2))
    remind_due(today=DUE - timedelta(days=1))
    late = _notices(people["late"])
    assert len(late) == 2
    assert "(còn 2 ngày)" in late[-1].message
    assert ReminderSent.objects.filter(unit__code=DINH_HOA).count() == 2
    assert AuditEvent.objects.filter(action="reports.reminders.sent").count() == 2


def test_no_reminders_before_the_round_opens_or_after_the_lock(people: dict[str, Any]) -> None:
    assert remind_due(today=DUE - timedelta(days=2)).communes == 0
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")
    cycles.lock(actor=people["province"], cycle=cycle)
    assert remind_due(today=DUE - timedelta(days=2)).communes == 0
    assert not Notification.objects.filter(kind=KIND).exists()
    assert not AuditEvent.objects.filter(action="reports.reminders.sent").exists()


def test_the_command_and_the_task(people: dict[str, Any]) -> None:
    from nguon.reports.tasks import remind_due_task

    cycles.open_cycle(actor=people["province"], period="2026-H1")
    out = StringIO()
    call_command("reports", "remind", "--today", (DUE - timedelta(days=6)).isoformat(), stdout=out)
    assert out.getvalue().startswith("Đã nhắc ")
    assert len(_notices(people["late"])) == 1
    result = remind_due_task.enqueue(today=(DUE - timedelta(days=1)).isoformat())  # run at once in tests
    assert result.return_value["communes"] == ReminderSent.objects.filter(threshold=2).count() > 1
    assert len(_notices(people["late"])) == 2
    assert remind_due_task.enqueue(today=(DUE - timedelta(days=1)).isoformat()).return_value["communes"] == 0
