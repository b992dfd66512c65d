"""What the public may read, everywhere on the portal: only live bulletins published to the portal, with
their live text. Drafts, withdrawn bulletins and bulletins not meant for the portal never appear (lists,
item pages, search, category and commune pages, audio); a correction in progress keeps the live text."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nguon.content.models import Bulletin, BulletinRevision

pytestmark = pytest.mark.django_db

WORD = "Khuyến nông"  # in every title below, so one search finds them all


def _pages(client: Client, commune: Any, category: Any, query: str = WORD) -> dict[str, str]:
    """Every list page a bulletin could appear on, as text."""
    urls = {
        "home": "/portal/",
        "category": f"/portal/linh-vuc/{category.code}/",
        "commune": f"/portal/xa/{commune.code}/",
        "search": f"/portal/tim-kiem/?q={query}",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content.decode()
    return pages


def test_only_live_portal_bulletins_appear_anywhere(
    client: Client, publish: Any, draft: Any, withdraw: Any, commune: Any, category: Any
) -> None:
    targets = {"target_scope": "communes", "targets": [commune]}
    public = publish(title=f"{WORD}: lịch tiêm phòng gia cầm", **targets)
    unpublished = draft(title=f"{WORD}: bản nháp chưa duyệt", **targets)
    radio_only = publish(title=f"{WORD}: chỉ phát trên loa", channels=["radio"], **targets)
    gone = publish(title=f"{WORD}: tin đã thu hồi", **targets)
    withdraw(gone)

    pages = _pages(client, commune, category)
    for name, page in pages.items():
        assert public.title in page, name
        for hidden in (unpublished, radio_only, gone):
            assert hidden.title not in page, (name, hidden.title)

    assert client.get(f"/portal/tin/{public.pk}/").status_code == 200
    for hidden in (unpublished, radio_only, gone):
        assert client.get(f"/portal/tin/{hidden.pk}/").status_code == 404
        assert client.get(f"/portal/en/tin/{hidden.pk}/").status_code == 404
        assert client.get(f"/portal/tin/{hidden.pk}/am-thanh.mp3").status_code == 404
    assert client.get("/portal/tin/999999/").status_code == 404


def test_withdrawal_removes_a_bulletin_that_was_public(
    client: Client, publish: Any, withdraw: Any, commune: Any, category: Any
) -> None:
    b = publish(title=f"{WORD}: hỗ trợ giống lúa", target_scope="communes", targets=[commune])
    assert all(b.title in page for page in _pages(client, commune, category).values())
    withdraw(b)
    assert all(b.title not in page for page in _pages(client, commune, category).values())
    assert client.get(f"/portal/tin/{b.pk}/").status_code == 404


def test_a_correction_in_progress_keeps_the_live_text(
    client: Client, publish: Any, correct: Any, commune: Any, category: Any
) -> None:
    b = publish(
        title=f"{WORD}: họp dân ngày 10/12",
        body="<p>Họp lúc 8 giờ tại nhà văn hóa thôn Trung Tâm.</p>",
        target_scope="communes",
        targets=[commune],
    )
    working = correct(
        b,
        title=f"{WORD}: họp dân ngày 12/12 (bản sửa)",
        body="<p>Họp lúc 14 giờ tại hội trường Bình Minh.</p>",
        target_scope="communes",
        targets=[commune],
    )
    assert working.revision > working.live_revision  # the working text moved on

    page = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert "họp dân ngày 10/12" in page
    assert "nhà văn hóa thôn Trung Tâm" in page
    assert "12/12" not in page
    assert "Bình Minh" not in page
    assert "đã được đính chính" not in page
    for name, listing in _pages(client, commune, category).items():
        assert "họp dân ngày 10/12" in listing, name
        assert "bản sửa" not in listing, name
    # the working text is not searchable; the live text is
    assert "Khuyến nông: họp dân" not in client.get("/portal/tim-kiem/?q=Bình Minh").content.decode()
    assert b.title in client.get("/portal/tim-kiem/?q=trung tam").content.decode()


def test_an_approved_correction_replaces_the_text_and_says_so(
    client: Client, publish: Any, correct: Any
) -> None:
    b = publish(title="Lịch cắt điện thôn Làng Mới", body="<p>Cắt điện từ 7 giờ đến 11 giờ.</p>")
    assert "đã được đính chính" not in client.get(f"/portal/tin/{b.pk}/").content.decode()
    corrected = correct(
        b, approve=True, title="Lịch cắt điện thôn Làng Mới", body="<p>Cắt điện từ 13 giờ đến 17 giờ.</p>"
    )
    live = BulletinRevision.objects.get(bulletin=corrected, number=corrected.live_revision)
    assert live.is_correction

    page = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert "Cắt điện từ 13 giờ đến 17 giờ." in page
    assert "7 giờ đến 11 giờ" not in page
    assert "Bản tin này đã được đính chính" in page


def test_a_bulletin_edited_before_approval_is_not_called_corrected(
    client: Client, draft: Any, people: Any, bulletin_input: Any
) -> None:
    from nguon.content.services import bulletins, workflow

    b = draft(title="Thông báo tuyển quân 2027")
    b = bulletins.update_bulletin(
        actor=people.contributor,
        bulletin=b,
        data=bulletin_input(title="Thông báo tuyển quân năm 2027", channels=["portal"]),
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    assert Bulletin.objects.get(pk=b.pk).live_revision == 2
    page = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert "Thông báo tuyển quân năm 2027" in page
    assert "đã được đính chính" not in page
