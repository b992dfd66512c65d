"""The periodic job scheduler: due decisions, one enqueue per interval, every job importable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from nguon.core import periodic
from nguon.core.models import PeriodicRun

CALLS: list[dict[str, Any]] = []


@task()
def _record_task(**kwargs: Any) -> int:
    CALLS.append(kwargs)
    return len(CALLS)


JOB = periodic.PeriodicJob("test.record", f"{__name__}._record_task", timedelta(minutes=5), {"n": 1})


@pytest.fixture(autouse=True)
def _clear() -> None:
    CALLS.clear()


def test_every_job_names_a_task_that_exists() -> None:
    names = [job.name for job in periodic.JOBS]
    assert len(names) == len(set(names))
    for job in periodic.JOBS:
        loaded = periodic.load_task(job.task)
        assert hasattr(loaded, "enqueue"), job.task
        assert job.every >= timedelta(seconds=15)


@pytest.mark.django_db
def test_a_job_runs_once_per_interval() -> None:
    start = timezone.now()
    assert periodic.run_due(now=start, jobs=[JOB]) == ["test.record"]
    assert periodic.run_due(now=start + timedelta(minutes=4, seconds=59), jobs=[JOB]) == []
    assert periodic.run_due(now=start + timedelta(minutes=5), jobs=[JOB]) == ["test.record"]
    assert CALLS == [{"n": 1}, {"n": 1}]  # the test settings run tasks immediately
    run = PeriodicRun.objects.get(name="test.record")
    assert run.runs == 2
    assert run.last_enqueued_at == start + timedelta(minutes=5)
    assert run.last_task_id


@pytest.mark.django_db
def test_next_due_and_the_list_command(capsys: pytest.CaptureFixture[str]) -> None:
    start = timezone.now()
    periodic.run_due(now=start, jobs=[JOB])
    assert periodic.next_due(now=start, jobs=[JOB]) == {"test.record": start + timedelta(minutes=5)}
    call_command("scheduler", "--list")
    out = capsys.readouterr().out
    assert all(job.name in out for job in periodic.JOBS)
