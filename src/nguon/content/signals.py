"""What the content app tells other apps about a bulletin's life on public channels.

Sent once the transaction that changed the bulletin has committed (never for a rolled-back change), so
receivers may enqueue work or read the committed rows. Receivers connect in their ``AppConfig.ready``;
the content app does not import them, so channels (outbound, translations, portal caches) plug in.

- ``bulletin_distributed``: a revision went live; kwargs ``bulletin_id``, ``revision`` and
  ``correcting`` (True when it replaced an earlier live revision, ``previous_revision``).
- ``bulletin_withdrawn``: a live bulletin was withdrawn from every channel; kwargs ``bulletin_id`` and
  ``reason``.
"""

from __future__ import annotations

from django.dispatch import Signal

bulletin_distributed = Signal()
bulletin_withdrawn = Signal()
