"""Where each dataset's upward push stands, and the log of every HTTP exchange with the central system.

Both are installation-wide (one province): reads and writes check ``CENTRALSYNC_MANAGE`` against the
installation's province (``selectors.province``), so they declare no ``access_scope``.
The access token is never stored here (nor anywhere in the database).
"""

from __future__ import annotations

from django.db import models

from nguon.centralsync.choices import Dataset, Outcome


class SyncCursor(models.Model):
    """What the central system has acknowledged of one dataset: everything up to the watermark.

    Datasets whose rows carry a change time use (``watermark_at``, ``watermark_id``): an item is pending
    when its (updated_at, id) sorts after it. ``broadcasts`` uses ``watermark_seq`` (the newest daily
    rollup row acknowledged, since a rebuilt day gets new, higher row ids). ``statistics`` keeps the
    ``fingerprints`` of the acknowledged items of each period (a few hundred small entries). The cursor
    moves only after a 2xx, so a failed batch is sent again next time.
    """

    dataset = models.CharField(max_length=16, choices=Dataset.choices, unique=True)
    watermark_at = models.DateTimeField(null=True, blank=True)
    watermark_id = models.CharField(max_length=200, blank=True)
    watermark_seq = models.BigIntegerField(default=0)
    fingerprints = models.JSONField(default=dict, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_batch_id = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    items_sent = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "vị trí đồng bộ"
        verbose_name_plural = "vị trí đồng bộ"
        ordering = ("dataset",)

    def __str__(self) -> str:
        return f"{self.dataset} @ {self.watermark_at or self.watermark_seq}"


class Exchange(models.Model):
    """One HTTP request to the central system and how it ended (one row per attempt, retries included).

    ``idempotency_key`` is the same on every attempt of one batch. No header is stored (the bearer token
    never reaches the database); ``error`` is Nguồn's Vietnamese message, with the central system's own
    message when it gave one.
    """

    dataset = models.CharField(max_length=16, choices=Dataset.choices)
    batch_id = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=100)
    attempt = models.PositiveSmallIntegerField()
    url = models.CharField(max_length=500)
    request_bytes = models.PositiveIntegerField()
    item_count = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        verbose_name = "lượt trao đổi với trung ương"
        verbose_name_plural = "lượt trao đổi với trung ương"
        ordering = ("-started_at", "-id")
        indexes = (
            models.Index(fields=("dataset", "-started_at")),
            models.Index(fields=("batch_id",)),
        )

    def __str__(self) -> str:
        return f"{self.dataset} {self.batch_id} #{self.attempt}: {self.status_code or self.outcome}"
