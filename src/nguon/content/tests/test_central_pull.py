"""Pulling from a fake central system into the editorial board's queue: idempotent, resumable, robust."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from nguon.content.central_client import CentralClient
from nguon.content.choices import Status
from nguon.content.models import Bulletin, CentralCursor, CentralIntake, Notification
from nguon.content.services import central, workflow
from nguon.content.tests import central_fake
from nguon.content.tests.central_fake import PULL_TOKEN, FakeCentral, Reply, item
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Cong van huong dan phong chong mua lu\n"


@pytest.fixture
def fake(settings: Any, tmp_path: Path) -> Iterator[FakeCentral]:
    with central_fake.running() as server:
        settings.NGUON_CENTRAL_URL = server.url
        settings.NGUON_CENTRAL_TOKEN = PULL_TOKEN
        settings.NGUON_PROVINCE_CODE = "19"
        settings.MEDIA_ROOT = tmp_path / "media"
        yield server


def _client(fake: FakeCentral, **options: Any) -> CentralClient:
    return CentralClient(url=fake.url, token=PULL_TOKEN, backoff=0, sleep=lambda s: None, **options)


def _pull(fake: FakeCentral, **options: Any) -> central.PullSummary:
    return central.pull(_client(fake), **options)


def test_first_pull_puts_central_bulletins_in_the_boards_queue(
    fake: FakeCentral, people: Any, commune: Any
) -> None:
    fake.feed([item("A"), item("B", priority="emergency", target={"province": "19", "communes": ["05569"]})])
    summary = _pull(fake)
    assert summary.ok, summary.error
    assert (summary.created, summary.pages, summary.complete) == (2, 2, True)
    a = Bulletin.objects.get(external_id="A")
    b = Bulletin.objects.get(external_id="B")
    for bulletin in (a, b):
        assert bulletin.status == Status.SUBMITTED
        assert bulletin.source_level == "central"
        assert bulletin.unit.code == "19"
        assert bulletin.due_at is not None
        assert "<script" not in bulletin.body
        assert Notification.objects.filter(
            user=people.board, bulletin=bulletin, kind="bulletin-submitted"
        ).exists()
        assert not Notification.objects.filter(user=people.commune_editor, bulletin=bulletin).exists()
    assert b.priority == "emergency"  # an emergency still waits for the board (see the docs)
    assert list(b.targets.values_list("code", flat=True)) == ["05569"]
    intake = CentralIntake.objects.get(external_id="A")
    assert (intake.channel, intake.times_seen, intake.contract_version) == ("pull", 1, "1")
    event = AuditEvent.objects.get(action="content.central.receive", target_id=str(a.pk))
    assert event.actor_label == "[central:pull]"
    assert event.after["version"] == 1
    assert event.unit_path == "19/"
    assert workflow.can_appraise(people.board, a)
    assert not workflow.can_appraise(people.commune_editor, a)


def test_a_second_identical_pull_creates_no_duplicates(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A"), item("B")])
    _pull(fake)
    CentralCursor.objects.filter(name="default").update(cursor="")  # read the same feed again
    summary = _pull(fake)
    assert (summary.created, summary.unchanged) == (0, 2)
    assert Bulletin.objects.filter(external_id__in=["A", "B"]).count() == 2
    assert CentralIntake.objects.get(external_id="A").times_seen == 2
    assert AuditEvent.objects.filter(action="content.central.receive").count() == 2


def test_a_changed_payload_becomes_a_revision_sent_to_the_board_again(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A")])
    _pull(fake)
    bulletin = Bulletin.objects.get(external_id="A")
    workflow.appraise(actor=people.board, bulletin=bulletin)  # already past the board
    fake.feed([item("A", version=2, title="Cảnh báo mưa lớn (cập nhật)")])
    CentralCursor.objects.filter(name="default").update(cursor="")
    summary = _pull(fake)
    assert summary.revised == 1
    bulletin.refresh_from_db()
    assert bulletin.title == "Cảnh báo mưa lớn (cập nhật)"
    assert bulletin.status == Status.SUBMITTED  # the board appraises the new text
    assert bulletin.revision == 2
    assert Bulletin.objects.filter(external_id="A").count() == 1
    event = AuditEvent.objects.get(action="content.central.revise")
    assert event.after["changed"] == ["title"]
    assert event.before["status"] == Status.APPRAISED
    assert CentralIntake.objects.get(external_id="A").times_seen == 2


def test_an_older_version_is_ignored(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A", version=3, title="Phiên bản 3")])
    _pull(fake)
    fake.feed([item("A", version=2, title="Phiên bản 2 đến muộn")])
    CentralCursor.objects.filter(name="default").update(cursor="")
    summary = _pull(fake)
    assert summary.unchanged == 1
    assert Bulletin.objects.get(external_id="A").title == "Phiên bản 3"


def test_a_change_to_a_distributed_bulletin_is_a_conflict_for_the_board(
    fake: FakeCentral, people: Any
) -> None:
    fake.feed([item("A")])
    _pull(fake)
    bulletin = Bulletin.objects.get(external_id="A")
    workflow.appraise(actor=people.board, bulletin=bulletin)
    workflow.approve(actor=people.approver, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == Status.DISTRIBUTED
    fake.feed([item("A", version=2, title="Đã sửa sau khi phát")])
    for _ in range(2):
        CentralCursor.objects.filter(name="default").update(cursor="")
        assert _pull(fake).conflicts == 1
    bulletin.refresh_from_db()
    assert bulletin.title != "Đã sửa sau khi phát"
    assert bulletin.status == Status.DISTRIBUTED
    assert AuditEvent.objects.filter(action="content.central.conflict").count() == 1  # recorded once
    notices = Notification.objects.filter(user=people.board, kind="central-conflict", bulletin=bulletin)
    assert notices.count() == 1
    assert "đính chính" in notices.get().message
    assert CentralIntake.objects.get(external_id="A").times_seen == 3


def test_the_cursor_is_stored_per_page_and_the_next_run_resumes(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A")], [item("B")], [item("C")])
    first = _pull(fake, max_pages=2)
    assert (first.created, first.cursor, first.complete) == (2, "c2", False)
    assert CentralCursor.objects.get(name="default").cursor == "c2"
    fake.requests.clear()
    second = _pull(fake)
    assert fake.feed_requests[0].query["since"] == "c2"
    assert (second.created, second.cursor, second.complete) == (1, "c3", True)
    assert set(Bulletin.objects.values_list("external_id", flat=True)) >= {"A", "B", "C"}


def test_a_failure_keeps_the_cursor_and_is_recorded(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A")], [item("B")])
    fake.script = [Reply(body=fake.pages[""])] + [Reply(status=500)] * 4
    summary = _pull(fake)
    assert not summary.ok
    assert "HTTP 500" in summary.error
    assert summary.created == 1
    state = CentralCursor.objects.get(name="default")
    assert state.cursor == "c1"  # page 1 was handled; page 2 will be read again
    assert "HTTP 500" in state.last_error
    assert state.last_error_at is not None
    assert state.last_success_at is None
    assert PULL_TOKEN not in state.last_error
    recovered = _pull(fake)
    assert recovered.ok
    assert recovered.created == 1
    assert CentralCursor.objects.get(name="default").last_success_at is not None


def test_500_then_success_is_retried_within_one_run(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A")])
    fake.script = [Reply(status=500)]
    summary = _pull(fake)
    assert summary.ok
    assert summary.created == 1


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=401), "NGUON_CENTRAL_TOKEN"),
        (Reply(body={"contract": "2", "items": [item("A")], "next": None}), "phiên bản 2"),
        (Reply(body=b"{oops", headers={"Content-Type": "application/json"}), "JSON hỏng"),
    ],
)
def test_refusals_stop_the_run_without_touching_anything(
    fake: FakeCentral, people: Any, reply: Reply, message: str
) -> None:
    fake.script = [reply]
    summary = _pull(fake)
    assert message in summary.error
    assert not Bulletin.objects.filter(source_level="central").exists()
    assert CentralCursor.objects.get(name="default").cursor == ""


def test_one_invalid_item_does_not_stop_the_others(fake: FakeCentral, people: Any) -> None:
    fake.feed([item("A"), item("BAD", category="khong-co", title=""), {"external_id": 5}, item("C")])
    summary = _pull(fake)
    assert summary.ok
    assert summary.created == 2
    assert len(summary.failures) == 2
    bad = summary.failures[0]
    assert bad.external_id == "BAD"
    assert bad.position == "trang 1, mục 2"
    assert {e.field for e in bad.errors} == {"category", "title"}
    assert summary.failures[1].external_id == ""
    assert not Bulletin.objects.filter(external_id="BAD").exists()
    state = CentralCursor.objects.get(name="default")
    assert state.cursor == "c1"  # refused items are not read again
    assert state.last_error.startswith("2 bản tin bị từ chối: BAD (trang 1, mục 2)")
    rejected = AuditEvent.objects.filter(action="content.central.reject").order_by("seq")
    assert [e.after["external_id"] for e in rejected] == ["BAD", ""]


def test_attachments_are_downloaded_checked_and_attached(fake: FakeCentral, people: Any) -> None:
    fake.files["/files/cv.pdf"] = PDF
    ref = {
        "url": f"{fake.url}/files/cv.pdf",
        "name": "Công văn 123.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "size": len(PDF),
    }
    fake.feed([item("A", attachments=[ref]), item("B", attachments=[{**ref, "sha256": "0" * 64}])])
    summary = _pull(fake)
    assert summary.created == 1
    bulletin = Bulletin.objects.get(external_id="A")
    attachment = bulletin.attachments.get()
    assert attachment.original_name == "Công văn 123.pdf"
    assert attachment.blob.sha256 == ref["sha256"]
    assert attachment.blob.kind == "document"
    assert summary.failures[0].external_id == "B"
    assert summary.failures[0].errors[0].field == "attachments.0"
    downloads = [r for r in fake.requests if r.path == "/files/cv.pdf"]
    assert len(downloads) == 2  # A's file, and B's (refused for its hash)
    # the same bytes again are not downloaded a second time
    fake.feed([item("D", attachments=[ref])])
    CentralCursor.objects.filter(name="default").update(cursor="")
    fake.requests.clear()
    assert _pull(fake).created == 1
    assert not [r for r in fake.requests if r.path == "/files/cv.pdf"]


def test_a_file_that_is_not_what_it_claims_is_refused(fake: FakeCentral, people: Any) -> None:
    exe = b"MZ\x90\x00 not a pdf at all"
    fake.files["/files/x.pdf"] = exe
    ref = {
        "url": f"{fake.url}/files/x.pdf",
        "name": "x.pdf",
        "sha256": hashlib.sha256(exe).hexdigest(),
        "size": len(exe),
    }
    fake.feed([item("A", attachments=[ref])])
    summary = _pull(fake)
    assert summary.created == 0
    assert "Định dạng tệp không được nhận" in summary.failures[0].errors[0].message
    assert not Bulletin.objects.filter(external_id="A").exists()


def test_an_unreachable_attachment_stops_the_run_to_try_again(fake: FakeCentral, people: Any) -> None:
    ref = {
        "url": f"{fake.url}/files/late.pdf",
        "name": "late.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "size": len(PDF),
    }
    fake.feed([item("A", attachments=[ref])])
    fake.script = [Reply(body=fake.pages[""])] + [Reply(status=503)] * 4
    summary = _pull(fake)
    assert "Không tải được tệp đính kèm" in summary.error
    assert CentralCursor.objects.get(name="default").cursor == ""
    fake.files["/files/late.pdf"] = PDF
    assert _pull(fake).created == 1


def test_not_configured(settings: Any, people: Any) -> None:
    settings.NGUON_CENTRAL_URL = ""
    summary = central.pull()
    assert "Chưa cấu hình" in summary.error
    with pytest.raises(CommandError, match="Chưa cấu hình"):
        call_command("central", "pull")


def test_the_command_and_the_task(fake: FakeCentral, people: Any) -> None:
    from nguon.content.tasks import pull_central_task

    fake.feed([item("A")], [item("B", title="")])
    out, err = StringIO(), StringIO()
    call_command("central", "pull", "--max-pages", "5", stdout=out, stderr=err)
    assert "created: 1" in out.getvalue()
    assert "rejected: 1" in out.getvalue()
    assert "rejected B (trang 2, mục 1)" in err.getvalue()
    assert "Cursor: c2" in out.getvalue()
    out = StringIO()
    call_command("central", "status", stdout=out)
    assert "Cursor: c2" in out.getvalue()
    assert "Received: 1 (pulled 1, pushed 0); awaiting appraisal: 1" in out.getvalue()
    fake.feed([item("A"), item("C")])
    CentralCursor.objects.filter(name="default").update(cursor="")
    result = pull_central_task.enqueue()
    assert result.return_value["created"] == 1
    assert result.return_value["unchanged"] == 1
