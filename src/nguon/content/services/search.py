"""Keeping the search index in step with bulletins and campaigns (queries live in selectors).

``index_bulletin`` / ``index_campaign`` are called by the services that change a bulletin or a campaign,
in their transaction. The full-text index over ``SearchEntry.search_text`` follows by itself (SQLite:
triggers; PostgreSQL: an expression index), see migration ``content.0003_search_fts``.
:func:`reindex_all` rewrites every entry from its source, for operators (``nguon search reindex``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from nguon.content.models import Bulletin, Campaign, SearchEntry
from nguon.core.text import fold


def index_bulletin(bulletin: Bulletin) -> None:
    """Write (or rewrite) the search entry of ``bulletin``."""
    targets = " ".join(bulletin.targets.values_list("path", flat=True))
    text = " ".join(filter(None, [bulletin.title, bulletin.summary, bulletin.body_text]))
    SearchEntry.objects.update_or_create(
        kind=SearchEntry.KIND_BULLETIN,
        object_id=bulletin.pk,
        defaults={
            "unit_path": bulletin.unit.path,
            "organisation_id": bulletin.source_organisation_id,
            "title": bulletin.title,
            "snippet": (bulletin.summary or bulletin.body_text)[:300],
            "search_text": fold(text),
            "category_id": bulletin.category_id,
            "status": bulletin.status,
            "language": bulletin.language,
            "priority": bulletin.priority,
            "target_paths": targets,
            "dated": bulletin.created_at,
        },
    )


def index_campaign(campaign: Campaign) -> None:
    """Write (or rewrite) the search entry of ``campaign``."""
    text = " ".join(filter(None, [campaign.title, campaign.reference, campaign.directive_text]))
    SearchEntry.objects.update_or_create(
        kind=SearchEntry.KIND_CAMPAIGN,
        object_id=campaign.pk,
        defaults={
            "unit_path": campaign.unit.path,
            "organisation_id": campaign.organisation_id,
            "title": campaign.title,
            "snippet": campaign.directive_text[:300],
            "search_text": fold(text),
            "status": campaign.status,
            "dated": campaign.created_at,
        },
    )


def unindex(*, kind: str, object_id: int) -> None:
    """Remove the entry of a deleted bulletin or campaign (the full-text index follows)."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


@dataclass(frozen=True)
class ReindexResult:
    bulletins: int
    campaigns: int
    removed: int


#: progress(kind, done, total), called after each batch.
Progress = Callable[[str, int, int], None]


def _write_bulletins(ids: list[int]) -> None:
    for bulletin in Bulletin.objects.filter(pk__in=ids).select_related("unit").order_by("pk"):
        index_bulletin(bulletin)


def _write_campaigns(ids: list[int]) -> None:
    for campaign in Campaign.objects.filter(pk__in=ids).select_related("unit").order_by("pk"):
        index_campaign(campaign)


_SOURCES: tuple[tuple[str, type[Bulletin] | type[Campaign], Callable[[list[int]], None]], ...] = (
    (SearchEntry.KIND_BULLETIN, Bulletin, _write_bulletins),
    (SearchEntry.KIND_CAMPAIGN, Campaign, _write_campaigns),
)


def reindex_all(*, progress: Progress | None = None, batch_size: int = 500) -> ReindexResult:
    """Rewrite the entry of every bulletin and campaign (oldest first) and drop entries whose source is gone.

    Idempotent: entries keep their ids, so running it twice changes nothing the second time. Each batch
    is one transaction, so a large index can be rebuilt while people work.
    """
    done: dict[str, int] = {}
    removed = 0
    for kind, model, write in _SOURCES:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                write(ids[start : start + batch_size])
            if progress is not None:
                progress(kind, min(start + batch_size, len(ids)), len(ids))
        done[kind] = len(ids)
        known = set(ids)
        indexed = SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True)
        stale = [pk for pk in indexed if pk not in known]
        for start in range(0, len(stale), batch_size):
            chunk = stale[start : start + batch_size]
            removed += SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()[0]
    return ReindexResult(
        bulletins=done[SearchEntry.KIND_BULLETIN], campaigns=done[SearchEntry.KIND_CAMPAIGN], removed=removed
    )


def rebuild_fulltext() -> None:
    """Rebuild the engine's full-text structure from ``search_text`` (repairs a damaged or stale index).

    SQLite: the FTS5 ``rebuild`` command; PostgreSQL: ``REINDEX`` of the GIN index.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO content_searchentry_fts (content_searchentry_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("REINDEX INDEX content_searchentry_fts")
