"""Writes of the tracker: who may post progress, bad input refused with per-field messages and nothing
written, evidence files checked by content and extension, the audit trail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from nguon.content.models import MediaBlob
from nguon.core.access import SYSTEM
from nguon.core.models import AuditEvent
from nguon.plan614 import services
from nguon.plan614.models import Measurement, ProgressUpdate, Task
from nguon.plan614.selectors import local_today, may_report
from nguon.plan614.tests.conftest import PDF, PNG, TEXT, stored_files

pytestmark = pytest.mark.django_db


def _post(actor: Any, task: Task, **overrides: Any) -> ProgressUpdate:
    fields: dict[str, Any] = {"reported_on": local_today(), "percent": 40, "text": "Đã lắp đặt 12 cụm loa."}
    return services.post_progress(actor=actor, task=task, **(fields | overrides))


def test_lead_partner_and_partner_unit_people_may_post_others_may_not(plan: Any, people: Any) -> None:
    task = plan.task
    for person in (people.lead, people.partner, people.commune_editor, people.board):
        assert may_report(person, task)
    for person in (people.outsider, people.other_commune_editor, people.foreign):
        assert not may_report(person, task)
        with pytest.raises(Http404):
            _post(person, task)
    update = _post(people.partner, task, percent=40)
    task.refresh_from_db()
    assert (update.percent, update.reported_by, task.status) == (40, people.partner, "in_progress")
    event = AuditEvent.objects.get(action="plan614.progress.post")
    assert event.after["percent"] == 40
    assert event.before == {"status": "not_started"}


def test_a_province_lead_unit_means_every_commune_of_it(plan: Any, people: Any) -> None:
    task = plan.commune_task
    assert may_report(people.commune_editor, task)
    assert may_report(people.other_commune_editor, task)
    assert not may_report(people.lead, task)  # a department is not a commune
    assert not may_report(people.foreign, task)
    _post(people.other_commune_editor, task, percent=100)
    task.refresh_from_db()
    assert task.status == "done"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"percent": 120}, "percent"),
        ({"percent": -1}, "percent"),
        ({"percent": "nhiều"}, "percent"),
        ({"text": "  "}, "text"),
        ({"reported_on": None}, "reported_on"),
        ({"evidence_link": "javascript:alert(1)"}, "evidence_link"),
    ],
)
def test_bad_progress_is_refused_per_field(
    plan: Any, people: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _post(people.lead, plan.task, **overrides)
    assert field in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_progress_dates_must_be_inside_the_period_and_not_in_the_future(plan: Any, people: Any) -> None:
    for day in (plan.task.period_start - timedelta(days=1), local_today() + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            _post(people.lead, plan.task, reported_on=day)
        assert "reported_on" in error.value.message_dict
    assert _post(people.lead, plan.task, reported_on=plan.task.period_start).pk


def test_evidence_that_is_not_what_its_extension_says_is_refused(plan: Any, people: Any, media: Path) -> None:
    png_as_pdf = SimpleUploadedFile("bien-ban.pdf", PNG, content_type="application/pdf")
    text_as_pdf = SimpleUploadedFile("bien-ban.pdf", TEXT, content_type="application/pdf")
    for upload in (png_as_pdf, text_as_pdf):
        with pytest.raises(ValidationError) as error:
            _post(people.lead, plan.task, evidence_upload=upload)
        assert "evidence" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()
    assert not MediaBlob.objects.exists()
    assert stored_files(media) == []
    update = _post(people.lead, plan.task, evidence_upload=SimpleUploadedFile("bien-ban.pdf", PDF))
    assert update.evidence is not None
    assert update.evidence.mime_type == "application/pdf"
    assert update.evidence_name == "bien-ban.pdf"
    assert len(stored_files(media)) == 1


def test_png_named_pdf_message_says_what_it_really_is(plan: Any, people: Any, media: Path) -> None:
    with pytest.raises(ValidationError) as error:
        _post(people.lead, plan.task, evidence_upload=SimpleUploadedFile("anh.pdf", PNG))
    assert error.value.message_dict["evidence"] == [
        "Tệp “anh.pdf” có đuôi .pdf nhưng nội dung là PNG: tệp không đúng như tên gọi, không nhận."
    ]


def test_entered_measurement_rules(plan: Any, people: Any, media: Path) -> None:
    target = plan.entered
    ok: dict[str, Any] = {
        "measured_on": local_today(),
        "value": "60",
        "evidence_link": "https://stttt.thainguyen.gov.vn/bc",
    }
    for overrides, field in (
        ({"value": "-5"}, "value"),
        ({"value": "120"}, "value"),  # a percent target
        ({"value": "abc"}, "value"),
        ({"evidence_link": ""}, "evidence"),  # evidence is required
        ({"measured_on": services.DECISION_DATE - timedelta(days=1)}, "measured_on"),
        ({"measured_on": local_today() + timedelta(days=1)}, "measured_on"),
    ):
        with pytest.raises(ValidationError) as error:
            services.record_measurement(actor=people.board, target=target, **(ok | overrides))
        assert field in error.value.message_dict
    assert not Measurement.objects.exists()
    with pytest.raises(Http404):
        services.record_measurement(actor=people.lead, target=target, **ok)
    with pytest.raises(ValidationError):
        services.record_measurement(actor=people.board, target=plan.computed, **ok)
    first = services.record_measurement(actor=people.board, target=target, **ok)
    again = services.record_measurement(
        actor=people.board,
        target=target,
        **(ok | {"value": "65", "evidence_link": "", "evidence_upload": SimpleUploadedFile("bc.png", PNG)}),
    )
    assert first.pk == again.pk
    again.refresh_from_db()
    assert (again.value, again.evidence_name, again.source) == (Decimal("65.00"), "bc.png", "entered")
    replaced = AuditEvent.objects.get(action="plan614.measurement.replace")
    assert replaced.before["value"] == "60.00"
    assert replaced.after["value"] == "65.00"


def test_only_managers_change_targets_and_tasks(plan: Any, people: Any) -> None:
    with pytest.raises(Http404):
        services.update_target(actor=people.lead, target=plan.entered, target_value=90)
    updated = services.update_target(actor=people.board, target=plan.entered, target_value=90)
    assert updated.target_value == Decimal(90)
    with pytest.raises(ValidationError) as error:
        services.update_task(
            actor=SYSTEM, task=plan.task, period_end=plan.task.period_start - timedelta(days=1)
        )
    assert "period_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_task(actor=SYSTEM, task=plan.task, funding=["lottery"])
    assert "funding" in error.value.message_dict
    task = services.update_task(actor=people.board, task=plan.task, partners=[plan.other_org])
    assert may_report(people.outsider, task)
    assert not may_report(people.partner, task)
    assert AuditEvent.objects.filter(action="plan614.task.update").count() == 1
