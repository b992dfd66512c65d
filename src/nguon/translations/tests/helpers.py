"""Test helpers of the translations tests: a bulletin made public and corrected through the workflow."""

from __future__ import annotations

from typing import Any

from nguon.content.choices import Channel, TargetScope
from nguon.content.services import bulletins, workflow


def public_bulletin(people: Any, department: Any, bulletin_input: Any, commune: Any, **overrides: Any) -> Any:
    """A department bulletin approved and distributed to the portal (live revision 1)."""
    values: dict[str, Any] = {
        "target_scope": TargetScope.COMMUNES,
        "targets": [commune],
        "channels": [Channel.PORTAL, Channel.RADIO],
    }
    values.update(overrides)
    b = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input(**values)
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    workflow.approve(actor=people.approver, bulletin=b)
    b.refresh_from_db()
    assert b.live_revision is not None
    return b


def correct(people: Any, bulletin: Any, bulletin_input: Any, commune: Any, body: str) -> Any:
    """Start a correction, change the body, and take it through approval: a new live revision."""
    workflow.start_correction(actor=people.contributor, bulletin=bulletin, note="Sai ngày")
    bulletin.refresh_from_db()
    bulletins.update_bulletin(
        actor=people.contributor,
        bulletin=bulletin,
        data=bulletin_input(
            body=body,
            target_scope=TargetScope.COMMUNES,
            targets=[commune],
            channels=[Channel.PORTAL, Channel.RADIO],
        ),
    )
    workflow.submit(actor=people.contributor, bulletin=bulletin)
    workflow.appraise(actor=people.board, bulletin=bulletin)
    workflow.approve(actor=people.approver, bulletin=bulletin)
    bulletin.refresh_from_db()
    return bulletin
