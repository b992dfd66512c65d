from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """Feeds (RSS 2.0, Atom, JSON Feed) per category, unit and language, IPTC ninjs for press agencies,
    and the public read API for mobile apps (/api/public/v1/), all with ETags and pagination."""

    name = "nguon.feeds"
    label = "feeds"
    verbose_name = "Nguồn cấp tin, API công khai"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from nguon.content.models import Category
        from nguon.content.signals import bulletin_distributed, bulletin_withdrawn
        from nguon.feeds.receivers import on_public_change
        from nguon.units.models import AdministrativeUnit

        bulletin_distributed.connect(on_public_change, dispatch_uid="feeds.version_on_distributed")
        bulletin_withdrawn.connect(on_public_change, dispatch_uid="feeds.version_on_withdrawn")
        for model in (Category, AdministrativeUnit):
            name = model._meta.label_lower
            post_save.connect(on_public_change, sender=model, dispatch_uid=f"feeds.version_on_save.{name}")
            post_delete.connect(
                on_public_change, sender=model, dispatch_uid=f"feeds.version_on_delete.{name}"
            )
