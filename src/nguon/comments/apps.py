from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Readers' comments on portal items where enabled: a moderation queue with filters (banned words,
    links, rate), approval and rejection in real time, every action audited."""

    name = "nguon.comments"
    label = "comments"
    verbose_name = "Bình luận công khai"
