"""Background tasks of the speech app: thin, take ids, call the service."""

from __future__ import annotations

from django_tasks import task

from nguon.speech import services


@task()
def render_speech_task(render_id: int) -> None:
    services.perform_render(render_id=render_id)
