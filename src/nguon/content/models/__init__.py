"""Models of the content app, one module per concern."""

from nguon.content.models.bulletins import Attachment, Bulletin, BulletinRevision, BulletinTarget, MediaBlob
from nguon.content.models.campaigns import Campaign, CampaignDocument, CampaignReport, CampaignTarget
from nguon.content.models.distribution import Delivery, InboxEntry, Notification
from nguon.content.models.intake import CentralCursor, CentralIntake
from nguon.content.models.search import SearchEntry
from nguon.content.models.taxonomy import Category, LegacyCategory, WorkflowPolicy

__all__ = [
    "Attachment",
    "Bulletin",
    "BulletinRevision",
    "BulletinTarget",
    "Campaign",
    "CampaignDocument",
    "CampaignReport",
    "CampaignTarget",
    "Category",
    "CentralCursor",
    "CentralIntake",
    "Delivery",
    "InboxEntry",
    "LegacyCategory",
    "MediaBlob",
    "Notification",
    "SearchEntry",
    "WorkflowPolicy",
]
