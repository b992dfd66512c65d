"""Readers' comments coming in through the public thread fragment: plain text only, escaped on output,
banned words, links, rate limits, the honeypot; nothing shown before approval."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nguon.comments import intake, services
from nguon.comments.choices import CommentStatus
from nguon.comments.models import Comment
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> <img src=x onerror="alert(1)"> Ý kiến của tôi'


def _url(bulletin: Any) -> str:
    return f"/comments/thread/{bulletin.pk}/"


def _post(client: Client, bulletin: Any, text: str, *, ip: str = "203.0.113.7", **extra: str) -> Any:
    data = {"author_name": "Nguyễn Văn A", "email": "a@example.vn", "text": text, "website": "", **extra}
    return client.post(_url(bulletin), data, REMOTE_ADDR=ip, HTTP_HX_REQUEST="true")


def test_comments_are_off_by_default(client: Client, public_bulletin: Any) -> None:
    page = client.get(_url(public_bulletin))
    assert page.status_code == 200
    assert "<form" not in page.content.decode()
    assert client.post(_url(public_bulletin), {"author_name": "A", "text": "B"}).status_code == 404
    assert Comment.objects.count() == 0


def test_a_bulletin_the_public_may_not_read_has_no_thread(
    client: Client, people: Any, bulletin_input: Any
) -> None:
    from nguon.content.choices import TargetScope
    from nguon.content.services import bulletins

    draft = bulletins.create_bulletin(
        actor=people.commune_editor, data=bulletin_input(target_scope=TargetScope.COMMUNES)
    )
    assert client.get(_url(draft)).status_code == 404


def test_hostile_html_is_stored_as_text_and_escaped(client: Client, people: Any, open_bulletin: Any) -> None:
    sent = _post(client, open_bulletin, HOSTILE)
    assert sent.status_code == 200
    body = sent.content.decode()
    assert "Bình luận của bạn đang chờ kiểm duyệt" in body
    assert "Ý kiến của tôi" not in body  # nothing shown before approval
    comment = Comment.objects.get()
    assert comment.text == HOSTILE  # kept as the reader typed it, as text
    assert comment.status == CommentStatus.PENDING
    assert comment.ip_hash
    assert "203.0.113.7" not in comment.ip_hash

    services.approve(actor=people.commune_approver, comment=comment)
    shown = client.get(_url(open_bulletin)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown
    assert "<script>alert" not in shown
    assert "<img" not in shown
    assert "a@example.vn" not in shown  # the e-mail address is never public


@pytest.mark.parametrize("text", ["Đồ lừa đảo!", "do lua dao", "ĐỒ LỪA ĐẢO thật", "Bọn LUA-DAO"])
def test_banned_word_with_or_without_diacritics_is_rejected(
    client: Client, people: Any, open_bulletin: Any, commune: Any, text: str
) -> None:
    services.add_banned_word(actor=people.commune_editor, unit=commune, word="lừa đảo")
    sent = _post(client, open_bulletin, text)
    assert "Bình luận của bạn đang chờ kiểm duyệt" in sent.content.decode()  # the sender is not told
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.REJECTED
    assert comment.reason == "Tự động từ chối: chứa từ bị cấm “lừa đảo”."
    assert comment.moderated_at is not None


def test_banned_word_matches_whole_words_only(people: Any, open_bulletin: Any, commune: Any) -> None:
    services.add_banned_word(actor=people.commune_editor, unit=commune, word="ngu")
    ok = intake.submit_comment(bulletin=open_bulletin, author_name="B", text="Người dân vùng nguồn nước")
    assert ok.status == CommentStatus.PENDING
    bad = intake.submit_comment(bulletin=open_bulletin, author_name="B", text="Ngu quá")
    assert bad.status == CommentStatus.REJECTED


def test_more_than_one_link_is_held_with_a_reason(open_bulletin: Any) -> None:
    one = intake.submit_comment(bulletin=open_bulletin, author_name="C", text="Xem https://thainguyen.gov.vn")
    assert (one.status, one.is_held, one.link_count) == (CommentStatus.PENDING, False, 1)
    two = intake.submit_comment(
        bulletin=open_bulletin, author_name="C", text="Mua tại http://a.example.com và www.b-shop.vn ngay"
    )
    assert (two.status, two.is_held, two.link_count) == (CommentStatus.PENDING, True, 2)
    assert two.reason == "Giữ lại để xem kỹ: có 2 liên kết."


def test_rate_limit_per_address(client: Client, open_bulletin: Any) -> None:
    for n in range(intake.PER_ADDRESS):
        assert "đang chờ kiểm duyệt" in _post(client, open_bulletin, f"Ý kiến số {n}").content.decode()
    refused = client.post(
        _url(open_bulletin),
        {"author_name": "A", "text": "Thêm một ý kiến"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert refused.status_code == 429
    assert "Bạn đã gửi 5 bình luận trong 10 phút qua" in refused.content.decode()
    assert Comment.objects.count() == intake.PER_ADDRESS
    other = _post(client, open_bulletin, "Từ máy khác", ip="198.51.100.9")
    assert "đang chờ kiểm duyệt" in other.content.decode()
    assert Comment.objects.count() == intake.PER_ADDRESS + 1


def test_rate_limit_per_bulletin(open_bulletin: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(intake, "PER_BULLETIN", 3)
    for n in range(3):
        intake.submit_comment(bulletin=open_bulletin, author_name="D", text=f"{n}", ip_address=f"10.0.0.{n}")
    with pytest.raises(intake.CommentRefusedError) as caught:
        intake.submit_comment(bulletin=open_bulletin, author_name="D", text="x", ip_address="10.0.0.99")
    assert (caught.value.status, caught.value.code) == (429, "rate_limited_bulletin")
    assert Comment.objects.filter(bulletin=open_bulletin).count() == 3


def test_honeypot_and_length(client: Client, open_bulletin: Any) -> None:
    bot = client.post(
        _url(open_bulletin), {"author_name": "Bot", "text": "Hi", "website": "http://spam.example"}
    )
    assert bot.status_code == 400
    too_long = client.post(_url(open_bulletin), {"author_name": "E", "text": "a" * 2001})
    assert too_long.status_code == 400
    assert Comment.objects.count() == 0
    exact = client.post(_url(open_bulletin), {"author_name": "E", "text": "a" * 2000})
    assert exact.status_code == 200
    assert Comment.objects.get().text == "a" * 2000


def test_intake_is_audited_nfc_and_plain(open_bulletin: Any) -> None:
    decomposed = "Hoa\u0300 Bi\u0300nh"  # "Hoà Bình" typed with combining marks
    c = intake.submit_comment(bulletin=open_bulletin, author_name=decomposed, text=f"  {decomposed}\x00 ")
    assert (c.author_name, c.text) == ("Hoà Bình", "Hoà Bình")
    event = AuditEvent.objects.get(action="comments.comment.submit", target_id=str(c.pk))
    assert event.actor_label == "[anonymous]"
    assert event.after["status"] == "pending"
