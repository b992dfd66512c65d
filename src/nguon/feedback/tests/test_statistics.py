"""Statistics: the figures of :func:`summary` equal the same figures counted by hand from the raw rows,
for the total and for every unit, category and channel; "played" follows the devices' play receipts."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nguon.core import access
from nguon.devices.models import DeviceManifest, PlayReceipt
from nguon.devices.services.registry import register_device
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Channel, Status
from nguon.feedback.models import Answer, Feedback, FeedbackCategory
from nguon.feedback.selectors.statistics import HANDLED, summary
from nguon.feedback.services import answers, handling
from nguon.feedback.tests.fixtures import OTHER_COMMUNE, commune, submit

pytestmark = pytest.mark.django_db


def _answer(handler: Any, approver: Any, feedback: Feedback, *, air: bool = False) -> Answer:
    answer = answers.draft_answer(
        actor=handler, feedback=feedback, body="Xã đã kiểm tra và khắc phục, cảm ơn bà con.", air_on_radio=air
    )
    answers.submit_answer(actor=handler, answer=answer)
    return answers.approve_answer(actor=approver, answer=answer)


def _played(bulletin_id: int, unit: Any) -> None:
    """A speaker cluster had the bulletin in its manifest and reported it played."""
    device = register_device(
        actor=access.SystemActor("tests"), kind="speaker_cluster", serial="ST-1", unit=unit
    )
    now = timezone.now()
    item = {"id": "slot-1", "start": now.isoformat(), "source": {"type": "bulletin", "id": str(bulletin_id)}}
    other = {"id": "slot-2", "start": now.isoformat(), "source": {"type": "audio", "id": str(bulletin_id)}}
    DeviceManifest.objects.create(
        device=device,
        version=7,
        etag="e7",
        body={"items": [item, other]},
        created_at=now,
        created_by_label="t",
    )
    for n, item_id in enumerate(("slot-1", "slot-2")):
        PlayReceipt.objects.create(
            device=device,
            receipt_id=f"r{n}",
            item_id=item_id,
            manifest_version=7,
            result="played",
            started_at=now + timedelta(minutes=1),
            received_at=now + timedelta(minutes=2),
        )


def _by_hand(rows: list[Feedback], now: Any, played: set[int]) -> dict[str, dict[str, int]]:
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in rows:
        aired = [a for a in f.answers.all() if a.status == AnswerStatus.APPROVED and a.bulletin_id]
        for key in ("total", f"unit:{f.handling_unit.name}", f"cat:{f.category.name}", f"ch:{f.channel}"):
            box = figures[key]
            box["received"] += 1
            box["handled"] += f.status in HANDLED
            box["on_time"] += f.answered_at is not None and f.answered_at <= f.due_at
            box["overdue"] += (f.answered_at is not None and f.answered_at > f.due_at) or (
                f.status in OPEN_STATUSES and f.due_at < now
            )
            box["answers_aired"] += len(aired)
            box["answers_played"] += sum(1 for a in aired if a.bulletin_id in played)
    return {k: dict(v) for k, v in figures.items()}


def test_summary_matches_the_raw_rows(handler: Any, approver: Any, province: Any) -> None:
    start = timezone.now() - timedelta(days=1)
    on_time = submit()
    _answer(handler, approver, on_time, air=True)
    late = submit(description="Đèn chiếu sáng ở cầu Chợ Chu tắt nhiều đêm liền, đi lại nguy hiểm.")
    Feedback.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    _answer(handler, approver, late, air=True)
    open_late = submit(
        channel=Channel.PHONE, actor=handler, description="Nước sinh hoạt đục nhiều ngày ở tổ 7."
    )
    Feedback.objects.filter(pk=open_late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    declined = submit(
        category=FeedbackCategory.objects.get(code="giao-thong"), description="Ổ gà lớn trên đường tỉnh 264."
    )
    handling.decline(actor=approver, feedback=declined, reason="Thuộc thẩm quyền Sở Xây dựng.")
    submit(unit=commune(OTHER_COMMUNE), description="Rác thải ở chợ phường chưa được thu gom đúng giờ.")
    before = submit(description="Phản ánh cũ từ tuần trước về cống thoát nước ở thôn Nà Mỵ.")
    Feedback.objects.filter(pk=before.pk).update(received_at=start - timedelta(days=3))

    bulletin = Answer.objects.get(feedback=on_time).bulletin
    assert bulletin is not None
    _played(bulletin.pk, commune())
    now = timezone.now()
    result = summary(unit=commune(), start=start, end=now + timedelta(seconds=1), now=now)

    rows = [
        f
        for f in Feedback.objects.select_related("category", "handling_unit").prefetch_related("answers")
        if f.unit.path.startswith(commune().path) and start <= f.received_at < now + timedelta(seconds=1)
    ]
    expected = _by_hand(rows, now, played={bulletin.pk})
    assert result.total.as_dict() == expected["total"]
    assert result.total.as_dict() == {
        "received": 4,
        "handled": 3,
        "on_time": 1,
        "overdue": 2,
        "answers_aired": 2,
        "answers_played": 1,
    }
    for name, figures in result.by_unit.items():
        assert figures.as_dict() == expected[f"unit:{name}"]
    for name, figures in result.by_category.items():
        assert figures.as_dict() == expected[f"cat:{name}"]
    labels = dict(Channel.choices)
    for code in {f.channel for f in rows}:
        assert result.by_channel[str(labels[code])].as_dict() == expected[f"ch:{code}"]
    wide = summary(unit=province, start=start, end=now + timedelta(seconds=1), now=now)
    assert wide.total.received == 5


def test_statistics_screen_and_xlsx(client: Any, handler: Any, approver: Any) -> None:
    feedback = submit()
    _answer(handler, approver, feedback)
    client.force_login(handler)
    today = timezone.localdate()
    query = {"unit": "05569", "from": today.isoformat(), "to": today.isoformat()}
    page = client.get(reverse("feedback:statistics"), query)
    assert page.status_code == 200
    assert '<strong data-figure="received">1</strong>' in page.content.decode()
    assert '<strong data-figure="on_time">1</strong>' in page.content.decode()
    export = client.get(reverse("feedback:statistics-export"), query)
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Tổng cộng", 1, 1, 1, 0, 0, 0] in values
    assert client.get(reverse("feedback:statistics"), {"unit": OTHER_COMMUNE}).status_code == 404
    api = client.get("/api/v1/feedback/statistics", {"unit": "05569", "start": today, "end": today})
    assert api.json()["total"]["received"] == 1
    assert Feedback.objects.get().status == Status.ANSWERED
