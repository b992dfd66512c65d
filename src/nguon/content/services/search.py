"""Keeping the search index in step with bulletins and campaigns (queries live in selectors)."""

from __future__ import annotations

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
