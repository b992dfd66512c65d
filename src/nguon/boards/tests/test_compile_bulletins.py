"""Bulletins on boards: slides from the live text, scripts never reach a board, withdrawn bulletins leave
the boards on the next compile."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nguon.boards.services import items
from nguon.boards.services.compilation import compile_unit
from nguon.boards.tests.test_compile_helpers import (
    DAY,
    NOW,
    SYSTEM,
    approved_bulletin,
    board,
    local,
    manifest,
    playlist,
    schedule,
    window_at,
)
from nguon.content.services import workflow
from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401 — fixtures
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture

pytestmark = pytest.mark.usefixtures("publisher")


@pytest.fixture
def world(
    people: Any,  # noqa: F811
    department: Any,  # noqa: F811
    bulletin_input: Any,  # noqa: F811
) -> tuple[Any, Any, Any]:
    return people, department, bulletin_input


SCRIPTED = (
    "<p>Mưa lớn, nước sông Cầu dâng cao.</p><script>alert('xss')</script>"
    '<p onclick="steal()">Bà con không qua ngầm tràn.</p><style>body{display:none}</style>'
    "<p>&lt;script&gt;fetch('//x')&lt;/script&gt; Theo dõi loa truyền thanh.</p>"
    '<img src=x onerror=alert(1)><a href="javascript:alert(2)">Xem thêm</a>'
)


def test_bulletin_with_scripts_becomes_plain_slides(world: Any, commune: Any) -> None:
    who, dept, make_input = world
    b = approved_bulletin(who, dept, make_input, commune, title="Cảnh báo lũ", body=SCRIPTED)
    eb = board(commune, "EB-B1")
    item = items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=b)
    assert item.title == "Cảnh báo lũ"
    schedule(commune, "Cảnh báo", playlist(commune, "Cảnh báo", [item]), time(6, 0), time(22, 0))
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    window = window_at(eb, local(DAY, 12))
    assert window is not None
    text = " ".join(f"{s.get('heading', '')} {s.get('body', '')}" for s in window["slides"])
    assert "Mưa lớn, nước sông Cầu dâng cao." in text
    assert "Bà con không qua ngầm tràn." in text
    for bad in ("<", ">", "script", "alert", "onclick", "onerror", "javascript", "display:none"):
        assert bad not in text.lower(), bad
    assert all(s["source"] == {"type": "bulletin", "id": str(b.pk)} for s in window["slides"])


def test_withdrawn_bulletin_disappears_on_next_compile(world: Any, commune: Any) -> None:
    who, dept, make_input = world
    b = approved_bulletin(who, dept, make_input, commune, title="Lịch cắt điện")
    eb = board(commune, "EB-B2")
    item = items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=b)
    other = items.create_item(actor=SYSTEM, unit=commune, kind="clock", title="")
    schedule(commune, "Cả ngày", playlist(commune, "Cả ngày", [item, other]), time(0, 0), time(0, 0))
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    assert any(s.get("heading") == "Lịch cắt điện" for s in window_at(eb, local(DAY, 12))["slides"])
    workflow.withdraw(actor=who.approver, bulletin=b, reason="Sai lịch")
    compile_unit(actor=SYSTEM, unit=commune, now=NOW)
    body = manifest(eb)
    assert "Lịch cắt điện" not in str(body)
    assert [s["kind"] for s in window_at(eb, local(DAY, 12))["slides"]] == ["clock"]
    # and a withdrawn bulletin cannot be put on a board again
    with pytest.raises(ValidationError) as refused:
        items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=b)
    assert "thu hồi" in str(refused.value)


def test_bulletin_of_another_commune_is_refused(world: Any, commune: Any, other_commune: Any) -> None:
    who, dept, make_input = world
    b = approved_bulletin(who, dept, make_input, other_commune, title="Tin của phường khác")
    with pytest.raises(ValidationError):
        items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=b)
