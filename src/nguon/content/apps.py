from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Bulletins and their editorial workflow, commune inboxes, propagation campaigns, search, intake."""

    name = "nguon.content"
    label = "content"
    verbose_name = "Bản tin và chiến dịch tuyên truyền"
