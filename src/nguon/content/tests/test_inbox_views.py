"""The commune inbox screens (TT39 decisions, ordering, the content as received, corrections, scoping),
the bulletin list filters, the work queue ("Việc chờ tôi") and notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.content.choices import InboxStatus, Priority
from nguon.content.models import Bulletin, InboxEntry, Notification
from nguon.content.services import attachments, bulletins, workflow

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _distributed(
    people: Any, department: Any, bulletin_input: Any, targets: list[Any], **overrides: Any
) -> Bulletin:
    """A department bulletin taken through the whole workflow to the given communes."""
    b = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(target_scope="communes", targets=targets, **overrides),
    )
    return _approve(people, b)


def _submitted(people: Any, department: Any, bulletin_input: Any, commune: Any) -> Bulletin:
    b = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(target_scope="communes", targets=[commune]),
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    b.refresh_from_db()
    return b


def _approve(people: Any, b: Bulletin) -> Bulletin:
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    b.refresh_from_db()
    return b


def test_commune_accepts_and_declines_only_its_own_entries(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any, other_commune: Any
) -> None:
    b = _distributed(people, department, bulletin_input, [commune, other_commune])
    mine = InboxEntry.objects.get(bulletin=b, unit=commune)
    theirs = InboxEntry.objects.get(bulletin=b, unit=other_commune)

    client = sign_in(people.operator)
    page = client.get("/content/inbox/").content.decode()
    assert b.title in page
    assert f"/content/inbox/{mine.pk}/" in page
    assert f"/content/inbox/{theirs.pk}/" not in page
    assert "Không phát…" in page  # a normal bulletin may be declined
    assert client.get(f"/content/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/content/inbox/{theirs.pk}/accept/").status_code == 404
    assert client.post(f"/content/inbox/{theirs.pk}/decline/", {"reason": "Không"}).status_code == 404

    response = client.post(f"/content/inbox/{mine.pk}/accept/", {"next": "/content/inbox/"})
    assert response.status_code == 302
    assert response["Location"] == "/content/inbox/"
    mine.refresh_from_db()
    assert mine.status == InboxStatus.ACCEPTED
    assert mine.decided_by == people.operator
    accepted = client.get("/content/inbox/", {"tab": "accepted"}).content.decode()
    assert b.title in accepted
    assert b.title not in client.get("/content/inbox/").content.decode()  # no longer pending

    other = sign_in(people.other_operator)
    response = other.post(f"/content/inbox/{theirs.pk}/decline/", {"reason": "  "}, follow=True)
    assert "Cần ghi lý do không phát." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == InboxStatus.PENDING
    other.post(f"/content/inbox/{theirs.pk}/decline/", {"reason": "Trùng lịch phát của phường"})
    theirs.refresh_from_db()
    assert theirs.status == InboxStatus.DECLINED
    assert theirs.reason == "Trùng lịch phát của phường"
    declined = other.get("/content/inbox/", {"tab": "declined"}).content.decode()
    assert "Trùng lịch phát của phường" in declined

    # The bulletin page shows each commune's decision to the people of the bulletin.
    page = sign_in(people.contributor).get(f"/content/b/{b.pk}/").content.decode()
    assert "Trùng lịch phát của phường" in page
    assert "Xã nhận vào lịch phát" in page  # in the timeline
    assert people.operator.username in page


def test_priority_items_cannot_be_declined_and_are_ordered(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    first = _distributed(
        people, department, bulletin_input, [commune], priority=Priority.PRIORITY, title="Tin ưu tiên A"
    )
    second = _distributed(
        people, department, bulletin_input, [commune], priority=Priority.PRIORITY, title="Tin ưu tiên B"
    )
    a = InboxEntry.objects.get(bulletin=first)
    b = InboxEntry.objects.get(bulletin=second)

    client = sign_in(people.operator)
    page = client.get(f"/content/inbox/{a.pk}/").content.decode()
    assert "Không phát…" not in page
    assert "Tin ưu tiên và tin khẩn cấp không được từ chối." in page
    response = client.post(f"/content/inbox/{a.pk}/decline/", {"reason": "Không muốn"}, follow=True)
    assert (
        "Tin ưu tiên và tin khẩn cấp không được từ chối (Thông tư 39/2020/TT-BTTTT)."
        in response.content.decode()
    )
    a.refresh_from_db()
    assert a.status == InboxStatus.PENDING

    client.post(f"/content/inbox/{a.pk}/accept/")
    client.post(f"/content/inbox/{b.pk}/accept/")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.position, b.position) == (1, 2)
    page = client.get("/content/inbox/", {"tab": "accepted"}).content.decode()
    assert "Thứ tự phát tin ưu tiên" in page
    assert page.index("Đưa xuống sau: Tin ưu tiên A") < page.index("Đưa lên trước: Tin ưu tiên B")

    response = client.post("/content/inbox/order/", {"entry": b.pk, "direction": "up"})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.position, a.position) == (1, 2)
    assert (
        sign_in(people.other_operator)
        .post("/content/inbox/order/", {"entry": b.pk, "direction": "down"})
        .status_code
        == 404
    )
    b.refresh_from_db()
    assert b.position == 1


def test_emergency_arrives_forced_and_is_shown_first(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    _distributed(people, department, bulletin_input, [commune], title="Tin thường")
    urgent = _distributed(
        people, department, bulletin_input, [commune], priority=Priority.EMERGENCY, title="Cảnh báo lũ quét"
    )
    entry = InboxEntry.objects.get(bulletin=urgent)
    assert entry.status == InboxStatus.FORCED
    client = sign_in(people.operator)
    page = client.get("/content/inbox/").content.decode()
    assert "Tin khẩn cấp — phát ngay" in page
    assert page.index("Cảnh báo lũ quét") < page.index("Tin thường")
    detail = client.get(f"/content/inbox/{entry.pk}/").content.decode()
    assert "Tin khẩn cấp: phát ngay, không cần quyết định." in detail
    assert f"/content/inbox/{entry.pk}/accept/" not in detail


def test_entry_shows_the_received_revision_and_the_correction(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    b = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(
            target_scope="communes", targets=[commune], body="<p>Họp dân lúc 15h30 tại nhà văn hóa.</p>"
        ),
    )
    attachments.add_attachment(
        actor=people.contributor,
        bulletin=b,
        upload=SimpleUploadedFile("Kế hoạch họp dân.pdf", PDF, "application/pdf"),
    )
    b = _approve(people, b)
    entry = InboxEntry.objects.get(bulletin=b)
    client = sign_in(people.operator)
    client.post(f"/content/inbox/{entry.pk}/accept/")
    page = client.get(f"/content/inbox/{entry.pk}/").content.decode()
    assert "Họp dân lúc 15h30 tại nhà văn hóa." in page
    assert "Có bản đính chính" not in page

    # The file of the received revision is served through the entry, not the bulletin (outside the scope).
    sha = b.attachments.get().blob.sha256
    file_url = f"/content/inbox/{entry.pk}/files/{sha}/"
    assert file_url in page
    response = client.get(file_url, {"download": "1"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%20h%E1%BB%8Dp%20d%C3%A2n.pdf" in response["Content-Disposition"]
    assert client.get(f"/content/b/{b.pk}/files/{b.attachments.get().pk}/").status_code == 404
    assert client.get(f"/content/inbox/{entry.pk}/files/{'0' * 64}/").status_code == 404
    assert sign_in(people.other_operator).get(file_url).status_code == 404

    # A correction: the live text stays until the corrected revision is approved, then the inbox shows it.
    workflow.start_correction(actor=people.contributor, bulletin=b, note="Sai giờ họp")
    b.refresh_from_db()
    bulletins.update_bulletin(
        actor=people.contributor,
        bulletin=b,
        data=bulletin_input(
            target_scope="communes", targets=[commune], body="<p>Họp dân lúc 16h00 tại nhà văn hóa.</p>"
        ),
    )
    b.refresh_from_db()
    client = sign_in(people.operator)
    assert "15h30" in client.get(f"/content/inbox/{entry.pk}/").content.decode()  # not approved yet
    _approve(people, b)
    entry.refresh_from_db()
    assert entry.has_correction
    page = client.get(f"/content/inbox/{entry.pk}/").content.decode()
    assert "Có bản đính chính" in page
    assert "Họp dân lúc 16h00 tại nhà văn hóa." in page
    assert "<del>15h30</del>" in page
    assert "<ins>16h00</ins>" in page
    assert "Xác nhận bản đính chính" in page
    client.post(f"/content/inbox/{entry.pk}/accept/")
    entry.refresh_from_db()
    assert not entry.has_correction


def test_inbox_is_only_for_people_who_receive(people: Any, sign_in: Any) -> None:
    assert sign_in(people.contributor).get("/content/inbox/").status_code == 404
    assert sign_in(people.board).get("/content/inbox/").status_code == 404
    assert sign_in(people.operator).get("/content/inbox/").status_code == 200


# -- the bulletin list, the work queue, notifications -----------------------------------------------------


def test_list_filters_and_the_waiting_queue_with_overdue_items(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    draft = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input(title="Bản nháp còn để đó")
    )
    b = _submitted(people, department, bulletin_input, commune)

    contributor = sign_in(people.contributor)
    submitted = contributor.get("/content/b/", {"status": "submitted"}).content.decode()
    assert b.title in submitted
    assert draft.title not in submitted
    assert draft.title in contributor.get("/content/b/", {"mine": "1"}).content.decode()

    board = sign_in(people.board)
    waiting = board.get("/content/waiting/")
    assert [(item.task, item.bulletin.pk) for item, _label in waiting.context["items"]] == [
        ("appraise", b.pk)
    ]
    assert "Thẩm định" in waiting.content.decode()
    assert 'class="overdue"' not in waiting.content.decode()
    b.refresh_from_db()
    assert b.due_at is not None
    Bulletin.objects.filter(pk=b.pk).update(due_at=b.due_at.replace(year=2020))
    page = board.get("/content/waiting/").content.decode()
    assert 'class="overdue"' in page
    assert "quá hạn" in page
    assert sign_in(people.other_editor).get("/content/waiting/").context["items"] == []


def test_notifications_list_and_mark_read(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any, rf: Any
) -> None:
    from nguon.content.context_processors import notifications

    b = _submitted(people, department, bulletin_input, commune)
    client = sign_in(people.board)
    page = client.get("/content/notifications/").content.decode()
    assert f"Bản tin chờ thẩm định: {b.title}" in page
    assert f'href="/content/b/{b.pk}/"' in page
    request = rf.get("/")
    request.user = people.board
    assert notifications(request)["unread_notifications"]() == 1

    note = Notification.objects.get(user=people.board)
    other = sign_in(people.other_editor)
    other.post("/content/notifications/read/", {"id": note.pk})  # someone else's notice: untouched
    note.refresh_from_db()
    assert note.read_at is None

    client = sign_in(people.board)
    assert client.post("/content/notifications/read/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert notifications(request)["unread_notifications"]() == 0
