"""Models of the feedback app, one module per concern."""

from nguon.feedback.models.feedback import (
    Answer,
    Feedback,
    FeedbackAttachment,
    FeedbackEvent,
    SubmissionMark,
)
from nguon.feedback.models.setup import ApiClient, FeedbackCategory, RoutingRule

__all__ = [
    "Answer",
    "ApiClient",
    "Feedback",
    "FeedbackAttachment",
    "FeedbackCategory",
    "FeedbackEvent",
    "RoutingRule",
    "SubmissionMark",
]
