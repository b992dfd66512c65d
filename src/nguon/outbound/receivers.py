"""Receivers of the content signals: queue outbound messages once a distribution or withdrawal commits.

They run after the approving transaction has committed: a failure here is logged and must not turn the
approval into an error page (the bulletin is already live on every other channel). What they fail to
queue, the reconciliation sweep (:func:`nguon.outbound.services.enqueue.reconcile`) queues on the next
delivery pass.
"""

from __future__ import annotations

import logging
from typing import Any

from nguon.outbound.services import enqueue

logger = logging.getLogger(__name__)


def on_distributed(sender: Any, *, bulletin_id: int, revision: int, **kwargs: Any) -> None:
    try:
        enqueue.enqueue_distribution(bulletin_id=bulletin_id, revision=revision)
    except Exception:
        logger.exception("outbound: could not queue bulletin %s revision %s", bulletin_id, revision)


def on_withdrawn(sender: Any, *, bulletin_id: int, reason: str = "", **kwargs: Any) -> None:
    try:
        enqueue.enqueue_withdrawal(bulletin_id=bulletin_id, reason=reason)
    except Exception:
        logger.exception("outbound: could not queue the withdrawal of bulletin %s", bulletin_id)
