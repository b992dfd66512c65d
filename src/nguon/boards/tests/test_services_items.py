# ruff: noqa: F811 — fixtures imported from the content tests
"""Board items through the service: HTML reduced to plain text with a notice, bulletins only when approved
and in scope, another commune's people get 404, archiving; refusals in Vietnamese, nothing half-written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from nguon.boards.models import BoardItem
from nguon.boards.services import items
from nguon.boards.services.items import HTML_REMOVED
from nguon.boards.tests.test_compile_helpers import approved_bulletin
from nguon.content.services import bulletins, workflow
from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401 — fixtures
from nguon.core.models import AuditEvent


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in error.value.message_dict.items()}


def test_announcement_with_html_is_saved_as_plain_text_with_a_notice(people: Any, commune: Any) -> None:
    item = items.create_item(
        actor=people.commune_editor,
        unit=commune,
        kind="text",
        title="<b>Thông báo</b> họp dân",
        body=(
            "<p>Họp dân lúc 19h tại nhà văn hóa thôn Bãi Á.</p><script>alert('x')</script>"
            '<p onclick="steal()">Đề nghị các hộ cử người dự.</p><a href="javascript:alert(1)">Xem</a>'
        ),
        ticker="<i>Đường Quốc lộ 3C</i> tạm cấm xe tải",
    )
    item.refresh_from_db()
    assert item.title == "Thông báo họp dân"
    assert "Họp dân lúc 19h tại nhà văn hóa thôn Bãi Á." in item.body
    assert "Đề nghị các hộ cử người dự." in item.body
    for bad in ("<", ">", "script", "alert", "onclick", "javascript"):
        assert bad not in (item.title + item.body + item.ticker).lower(), bad
    assert item.ticker == "Đường Quốc lộ 3C tạm cấm xe tải"
    created = BoardItem.objects.get(pk=item.pk)
    assert created.notices == ()
    event = AuditEvent.objects.get(action="boards.item.create", target_id=str(item.pk))
    assert event.unit_path == commune.path


def test_notice_only_when_html_was_removed(people: Any, commune: Any) -> None:
    with_html = items.create_item(
        actor=people.commune_editor, unit=commune, kind="text", title="Tin", body="<p>Có <b>HTML</b></p>"
    )
    plain = items.create_item(
        actor=people.commune_editor, unit=commune, kind="text", title="Tin", body="Không có HTML"
    )
    assert with_html.notices == (HTML_REMOVED,)
    assert plain.notices == ()
    changed = items.update_item(actor=people.commune_editor, item=plain, body="<em>Đã sửa</em>")
    assert changed.notices == (HTML_REMOVED,)
    assert BoardItem.objects.get(pk=plain.pk).body == "Đã sửa"


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(people: Any, commune: Any) -> None:
    start = timezone.now()
    with pytest.raises(ValidationError) as refused:
        items.create_item(
            actor=people.commune_editor,
            unit=commune,
            kind="text",
            title="",
            duration_seconds=0,
            valid_from=start,
            valid_until=start - timedelta(hours=1),
        )
    messages = _messages(refused)
    assert messages["title"] == ["Nhập tiêu đề."]
    assert messages["duration_seconds"] == ["Thời lượng mỗi trang phải từ 1 đến 3600 giây."]
    assert messages["valid_until"] == ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]
    with pytest.raises(ValidationError) as no_file:
        items.create_item(actor=people.commune_editor, unit=commune, kind="image", title="Ảnh")
    assert _messages(no_file)["media"] == ["Tải lên tệp ảnh."]
    with pytest.raises(ValidationError) as bad_kind:
        items.create_item(actor=people.commune_editor, unit=commune, kind="html", title="X")
    assert "kind" in _messages(bad_kind)
    assert not BoardItem.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="boards.item").exists()


def test_a_clock_needs_no_title(people: Any, commune: Any) -> None:
    clock = items.create_item(actor=people.commune_editor, unit=commune, kind="clock")
    assert clock.title == "Đồng hồ"
    assert clock.media is None


def test_bulletin_item_must_be_approved_and_sent_to_the_unit(
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    other_commune: Any,
) -> None:
    draft = bulletins.create_bulletin(
        actor=people.commune_editor,
        data=bulletin_input(title="Bản nháp của xã", target_scope="communes", targets=[commune]),
    )
    with pytest.raises(ValidationError) as not_approved:
        items.create_item(actor=people.commune_editor, unit=commune, kind="bulletin", bulletin=draft)
    assert "chưa được phê duyệt" in _messages(not_approved)["bulletin"][0]
    with pytest.raises(ValidationError) as missing:
        items.create_item(actor=people.commune_editor, unit=commune, kind="bulletin")
    assert _messages(missing)["bulletin"] == ["Chọn một bản tin đã được phê duyệt."]

    elsewhere = approved_bulletin(people, department, bulletin_input, other_commune, title="Tin của phường")
    with pytest.raises(ValidationError):
        items.create_item(actor=people.commune_editor, unit=commune, kind="bulletin", bulletin=elsewhere)

    sent = approved_bulletin(people, department, bulletin_input, commune, title="Lịch tiếp công dân")
    item = items.create_item(actor=people.commune_editor, unit=commune, kind="bulletin", bulletin=sent)
    assert item.title == "Lịch tiếp công dân"  # the bulletin's title when none is typed
    assert item.bulletin == sent
    workflow.withdraw(actor=people.approver, bulletin=sent, reason="Đổi lịch")
    with pytest.raises(ValidationError) as withdrawn:
        items.create_item(actor=people.commune_editor, unit=commune, kind="bulletin", bulletin=sent)
    assert "thu hồi" in _messages(withdrawn)["bulletin"][0]
    assert BoardItem.objects.count() == 1


def test_another_communes_editor_gets_404_and_changes_nothing(people: Any, commune: Any) -> None:
    item = items.create_item(actor=people.commune_editor, unit=commune, kind="text", title="Tin của xã")
    with pytest.raises(Http404):
        items.create_item(actor=people.other_editor, unit=commune, kind="text", title="Không được")
    with pytest.raises(Http404):
        items.update_item(actor=people.other_editor, item=item, title="Sửa trộm")
    with pytest.raises(Http404):
        items.archive_item(actor=people.other_editor, item=item)
    with pytest.raises(Http404):  # a department contributor has no boards.manage at all
        items.create_item(actor=people.contributor, unit=commune, kind="text", title="Không được")
    item.refresh_from_db()
    assert (item.title, item.archived_at) == ("Tin của xã", None)
    assert BoardItem.objects.count() == 1


def test_archive_keeps_the_item_and_is_audited_once(people: Any, commune: Any) -> None:
    item = items.create_item(actor=people.commune_editor, unit=commune, kind="text", title="Tin cũ")
    archived = items.archive_item(actor=people.commune_editor, item=item)
    assert archived.archived_at is not None
    first = archived.archived_at
    again = items.archive_item(actor=people.commune_editor, item=archived)
    assert again.archived_at == first
    assert AuditEvent.objects.filter(action="boards.item.archive", target_id=str(item.pk)).count() == 1
    with pytest.raises(ValidationError) as refused:
        items.update_item(actor=people.commune_editor, item=archived, title="Sửa lại")
    assert refused.value.messages == ["Mục này đã được lưu trữ; không sửa được."]
    assert BoardItem.objects.get(pk=item.pk).title == "Tin cũ"
