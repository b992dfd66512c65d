"""API of the plan614 app, under /api/v1/plan614/: the Đề án 614 tracker."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["plan614"])
