"""Progress updates on tasks, by the people of their lead and partner organisations and units."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from nguon.content.services.attachments import Upload
from nguon.core import audit
from nguon.core.text import nfc
from nguon.plan614.choices import TaskStatus
from nguon.plan614.evidence import stored_evidence
from nguon.plan614.models import ProgressUpdate, Task
from nguon.plan614.selectors import local_today, may_report
from nguon.plan614.services.fields import MAX_TEXT, UPDATE_FIELDS, actor_label, clean_link, person

# -- progress updates ---------------------------------------------------------------------------------------


def post_progress(
    *,
    actor: Any,
    task: Task,
    reported_on: date | None,
    percent: Any,
    text: str,
    evidence_upload: Upload | None = None,
    evidence_link: str = "",
) -> ProgressUpdate:
    """A lead or partner of ``task`` (or the plan's managers) reports progress; the task's recorded status
    follows the percent (0: not started, 1–99: in progress, 100: done)."""
    if not may_report(actor, task):
        raise Http404
    errors: dict[str, list[str]] = {}
    if not isinstance(reported_on, date):
        errors["reported_on"] = ["Cần nhập ngày báo cáo."]
    elif reported_on < task.period_start:
        errors["reported_on"] = [f"Ngày báo cáo trước thời gian thực hiện ({task.period_start:%d/%m/%Y})."]
    elif reported_on > local_today():
        errors["reported_on"] = ["Ngày báo cáo không được sau ngày hôm nay."]
    try:
        number = int(str(percent).strip())
    except (TypeError, ValueError):
        errors["percent"] = ["Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100."]
        number = -1
    else:
        if not 0 <= number <= 100:
            errors["percent"] = ["Tỷ lệ hoàn thành phải từ 0 đến 100."]
    body = nfc(text or "").strip()
    if not body:
        errors["text"] = ["Cần mô tả nội dung đã thực hiện."]
    elif len(body) > MAX_TEXT:
        errors["text"] = [f"Nội dung dài tối đa {MAX_TEXT} ký tự."]
    link = clean_link(evidence_link, errors)
    if errors:
        raise ValidationError(errors)
    assert isinstance(reported_on, date)
    with transaction.atomic(), stored_evidence(evidence_upload) as (blob, name):
        locked = Task.objects.select_for_update().get(pk=task.pk)
        update = ProgressUpdate.objects.create(
            task=locked,
            reported_on=reported_on,
            percent=number,
            text=body,
            evidence=blob,
            evidence_name=name,
            evidence_link=link,
            reported_by=person(actor),
            reported_by_label=actor_label(actor),
        )
        latest = locked.updates.order_by("-reported_on", "-id").first()
        status_before = locked.status
        if latest is not None:
            locked.status = (
                TaskStatus.DONE
                if latest.percent >= 100
                else TaskStatus.IN_PROGRESS
                if latest.percent > 0
                else TaskStatus.NOT_STARTED
            )
            locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="plan614.progress.post",
            target=locked,
            unit=locked.unit,
            before={"status": status_before},
            after=audit.snapshot(update, UPDATE_FIELDS)
            | {"status": locked.status, "evidence_sha256": blob.sha256 if blob else None},
        )
    return update
