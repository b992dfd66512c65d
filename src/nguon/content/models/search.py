"""One search index over bulletins and campaigns (full-text: SQLite FTS5 or PostgreSQL, see services)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nguon.core.access import Scope


class SearchEntry(models.Model):
    """A searchable document: folded text (no diacritics, đ → d, lower case) plus the filter columns.

    Services keep it in step with the bulletin or campaign it describes; the full-text index over
    ``search_text`` is created by a migration per database engine.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit_path", organisation="organisation_id")

    KIND_BULLETIN = "bulletin"
    KIND_CAMPAIGN = "campaign"

    kind = models.CharField(max_length=16)
    object_id = models.PositiveBigIntegerField()
    unit_path = models.CharField(max_length=120, db_index=True)
    organisation_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    snippet = models.CharField(max_length=300, blank=True)
    search_text = models.TextField()
    category_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=16, blank=True)
    priority = models.CharField(max_length=16, blank=True)
    target_paths = models.TextField(blank=True, help_text="Space-separated paths of targeted units.")
    dated = models.DateTimeField(db_index=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["kind", "object_id"], name="content_search_unique"),)
        indexes = (models.Index(fields=["kind", "dated"]),)

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
