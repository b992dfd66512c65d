"""Writes of the Đề án 614 tracker: targets and tasks (``plan614.manage``), entered and computed
measurements, progress updates (``plan614.report`` for a task's lead and partner people). Each write is one
transaction with its audit event; bad input raises ``ValidationError`` with per-field Vietnamese messages
and leaves nothing written."""

from __future__ import annotations

from nguon.plan614.services.fields import DECISION_DATE
from nguon.plan614.services.measurements import measure_all, record_measurement
from nguon.plan614.services.plan import create_target, create_task, update_target, update_task
from nguon.plan614.services.progress import post_progress

__all__ = [
    "DECISION_DATE",
    "create_target",
    "create_task",
    "measure_all",
    "post_progress",
    "record_measurement",
    "update_target",
    "update_task",
]
