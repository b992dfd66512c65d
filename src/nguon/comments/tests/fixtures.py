"""Fixtures of the comments tests: a commune's bulletin public on the portal, with comments on (made
through the content workflow)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def public_bulletin(people: Any, bulletin_input: Any) -> Any:
    """Written and approved by the commune (xã Định Hóa), distributed to the portal."""
    from nguon.content.choices import Channel, TargetScope
    from nguon.content.services import bulletins, workflow

    b = bulletins.create_bulletin(
        actor=people.commune_editor,
        data=bulletin_input(target_scope=TargetScope.COMMUNES, channels=[Channel.PORTAL]),
    )
    workflow.submit(actor=people.commune_editor, bulletin=b)
    workflow.approve(actor=people.commune_approver, bulletin=b)
    b.refresh_from_db()
    return b


@pytest.fixture
def open_bulletin(people: Any, public_bulletin: Any) -> Any:
    from nguon.comments import services

    services.set_comments_enabled(actor=people.commune_editor, bulletin=public_bulletin, enabled=True)
    return public_bulletin
