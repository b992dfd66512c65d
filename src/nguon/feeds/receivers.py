"""What moves the public-data version: bulletins distributed (new or corrected) and withdrawn, and any
save of a category or an administrative unit (their names appear in feeds and API answers).

Translations move it from their services (publish, unpublish, a save that takes a published one off).
Connected in :meth:`nguon.feeds.apps.FeedsConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from nguon.feeds.services import bump_public_version


def on_public_change(sender: Any, **kwargs: Any) -> None:
    """A bulletin went live or was corrected or withdrawn (after commit), or a category or unit was saved."""
    bump_public_version()
