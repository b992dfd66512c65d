"""Background tasks of the devices app."""

from __future__ import annotations

from django_tasks import task

from nguon.devices.services.alerts import check_alerts


@task()
def check_device_alerts_task() -> dict[str, int]:
    summary = check_alerts()
    return {"opened": summary.opened, "closed": summary.closed, "pending": summary.pending}
