"""Moderation: switching comments on, the queue (scoped by the bulletin's commune, pending first, polling),
approve and reject in place, banned words, the API; every action audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.comments import intake, services
from nguon.comments.choices import CommentStatus
from nguon.comments.models import BannedWord, Comment, CommentThread
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
API = "/api/v1/comments"


def _comment(bulletin: Any, text: str = "Ý kiến đóng góp") -> Comment:
    return intake.submit_comment(bulletin=bulletin, author_name="Trần Thị B", text=text)


def test_enabling_needs_a_moderator_of_the_bulletins_unit(people: Any, public_bulletin: Any) -> None:
    with pytest.raises(Http404):
        services.set_comments_enabled(actor=people.other_editor, bulletin=public_bulletin, enabled=True)
    with pytest.raises(Http404):  # an operator does not moderate
        services.set_comments_enabled(actor=people.operator, bulletin=public_bulletin, enabled=True)
    services.set_comments_enabled(actor=people.commune_editor, bulletin=public_bulletin, enabled=True)
    assert CommentThread.objects.get(bulletin=public_bulletin).is_enabled
    event = AuditEvent.objects.get(action="comments.thread.enable")
    assert event.target_id == str(public_bulletin.pk)
    assert event.actor_label == people.commune_editor.username


def test_approval_makes_it_visible_and_is_audited(client: Any, people: Any, open_bulletin: Any) -> None:
    comment = _comment(open_bulletin)
    assert "Ý kiến đóng góp" not in client.get(f"/comments/thread/{open_bulletin.pk}/").content.decode()
    services.approve(actor=people.commune_approver, comment=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (CommentStatus.APPROVED, people.commune_approver)
    assert "Ý kiến đóng góp" in client.get(f"/comments/thread/{open_bulletin.pk}/").content.decode()

    second = _comment(open_bulletin, "Ý kiến thứ hai")
    with pytest.raises(ValidationError):
        services.reject(actor=people.commune_editor, comment=second, reason="  ")
    services.reject(actor=people.commune_editor, comment=second, reason="Không liên quan")
    assert "Ý kiến thứ hai" not in client.get(f"/comments/thread/{open_bulletin.pk}/").content.decode()
    rows = list(
        AuditEvent.objects.filter(target_type="comments.comment")
        .order_by("seq")
        .values_list("action", "target_id")
    )
    assert rows == [
        ("comments.comment.submit", str(comment.pk)),
        ("comments.comment.approve", str(comment.pk)),
        ("comments.comment.submit", str(second.pk)),
        ("comments.comment.reject", str(second.pk)),
    ]
    reject_event = AuditEvent.objects.get(action="comments.comment.reject")
    assert reject_event.before["status"] == "pending"
    assert reject_event.after == {"status": "rejected", "reason": "Không liên quan", "is_held": False}


def test_moderators_of_another_commune_get_404(sign_in: Any, people: Any, open_bulletin: Any) -> None:
    comment = _comment(open_bulletin)
    with pytest.raises(Http404):
        services.approve(actor=people.other_editor, comment=comment)
    client = sign_in(people.other_editor)
    assert client.post(f"/comments/{comment.pk}/approve/").status_code == 404
    assert client.post(f"/comments/{comment.pk}/reject/", {"reason": "x"}).status_code == 404
    assert "Ý kiến đóng góp" not in client.get("/comments/").content.decode()
    assert client.post(f"{API}/{comment.pk}/approve").status_code == 404
    assert client.post(f"{API}/{comment.pk}/approve").json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/queue").json()["count"] == 0
    assert (
        client.post("/comments/bulletins/", {"bulletin": open_bulletin.pk, "enabled": "0"}).status_code == 404
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not AuditEvent.objects.filter(
        action__in=["comments.comment.approve", "comments.comment.reject"]
    ).exists()


def test_queue_pending_first_filters_polling_and_htmx_actions(
    sign_in: Any, people: Any, open_bulletin: Any
) -> None:
    older = _comment(open_bulletin, "Đã duyệt trước")
    services.approve(actor=people.commune_editor, comment=older)
    pending = _comment(open_bulletin, "Đang chờ")
    held = _comment(open_bulletin, "Xem http://a.example.com và http://b.example.com")
    client = sign_in(people.commune_editor)

    page = client.get("/comments/").content.decode()  # default: pending only
    assert 'hx-trigger="every 10s' in page
    assert "Đang chờ" in page
    assert "Đã duyệt trước" not in page
    everything = client.get("/comments/?status=", HTTP_HX_REQUEST="true")
    assert "<html" in everything.content.decode()
    rows = client.get("/comments/?status=&rows=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows
    assert rows.index("Đang chờ") < rows.index("Đã duyệt trước")  # pending first
    only_held = client.get("/comments/?status=&held=1").content.decode()
    assert "Giữ lại để xem kỹ: có 2 liên kết." in only_held
    assert "Đang chờ" not in only_held

    approved = client.post(f"/comments/{pending.pk}/approve/", HTTP_HX_REQUEST="true")
    assert approved.status_code == 200
    assert approved.content.decode().startswith(f'<tr id="comment-{pending.pk}">')
    assert "Đã duyệt" in approved.content.decode()
    refused = client.post(f"/comments/{held.pk}/reject/", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "Cần ghi lý do từ chối." in refused.content.decode()
    spam = client.post(f"/comments/{held.pk}/reject/", {"spam": "1"}, HTTP_HX_REQUEST="true")
    assert "Thư rác" in spam.content.decode()
    held.refresh_from_db()
    pending.refresh_from_db()
    assert (pending.status, held.status, held.is_held) == ("approved", "spam", False)


def test_banned_words_page_and_scope(sign_in: Any, people: Any, commune: Any, other_commune: Any) -> None:
    client = sign_in(people.commune_editor)
    assert client.post("/comments/banned-words/", {"word": "Lừa đảo"}).status_code == 302
    dup = client.post("/comments/banned-words/", {"word": "lua dao"})
    assert dup.status_code == 422
    assert "đã có trong danh sách" in dup.content.decode()
    word = BannedWord.objects.get()
    assert (word.unit, word.folded) == (commune, "lua dao")
    other = sign_in(people.other_editor)
    assert "Lừa đảo" not in other.get("/comments/banned-words/").content.decode()
    assert other.post("/comments/banned-words/", {"remove": word.pk}).status_code == 404
    client = sign_in(people.commune_editor)
    assert client.post("/comments/banned-words/", {"remove": word.pk}).status_code == 302
    assert not BannedWord.objects.exists()
    assert [
        e.action for e in AuditEvent.objects.filter(target_type="comments.bannedword").order_by("seq")
    ] == [
        "comments.banned_word.add",
        "comments.banned_word.remove",
    ]


def test_switch_page(sign_in: Any, people: Any, public_bulletin: Any) -> None:
    client = sign_in(people.commune_editor)
    assert public_bulletin.title in client.get("/comments/bulletins/").content.decode()
    assert (
        client.post("/comments/bulletins/", {"bulletin": public_bulletin.pk, "enabled": "1"}).status_code
        == 302
    )
    assert CommentThread.objects.get(bulletin=public_bulletin).is_enabled
    assert client.get("/comments/").status_code == 200
    assert sign_in(people.operator).get("/comments/").status_code == 404


def test_api_queue_approve_reject(sign_in: Any, people: Any, open_bulletin: Any) -> None:
    a = _comment(open_bulletin, "Một")
    b = _comment(open_bulletin, "Hai")
    client = sign_in(people.commune_approver)
    queue = client.get(f"{API}/queue?status=pending").json()
    assert queue["count"] == Comment.objects.filter(status="pending").count() == 2
    assert {i["id"] for i in queue["items"]} == {a.pk, b.pk}
    assert client.post(f"{API}/{a.pk}/approve").json()["status"] == "approved"
    bad = client.post(f"{API}/{b.pk}/reject", {"reason": ""}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [{"field": "reason", "message": "Cần ghi lý do từ chối."}]
    ok = client.post(f"{API}/{b.pk}/reject", {"reason": "Trùng lặp"}, content_type="application/json")
    assert (ok.json()["status"], ok.json()["reason"]) == ("rejected", "Trùng lặp")
    assert client.post(f"{API}/999999/approve").status_code == 404


def test_admin_lists_read_only_without_the_email(sign_in: Any, make_user: Any, open_bulletin: Any) -> None:
    from nguon.accounts.choices import Role

    intake.submit_comment(bulletin=open_bulletin, author_name="F", text="Xin chào", email="f@example.vn")
    client = sign_in(make_user(Role.SYSTEM_ADMIN))
    page = client.get("/admin/comments/comment/")
    assert page.status_code == 200
    assert open_bulletin.title in page.content.decode()
    assert "f@example.vn" not in page.content.decode()
    assert client.get("/admin/comments/comment/add/").status_code == 403
    assert client.get("/admin/translations/translation/").status_code == 200
