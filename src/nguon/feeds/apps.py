from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """Feeds (RSS 2.0, Atom, JSON Feed) per category, unit and language, IPTC ninjs for press agencies,
    and the public read API for mobile apps (/api/public/v1/), all with ETags and pagination."""

    name = "nguon.feeds"
    label = "feeds"
    verbose_name = "Nguồn cấp tin, API công khai"
