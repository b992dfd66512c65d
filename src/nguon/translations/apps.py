from django.apps import AppConfig


class TranslationsConfig(AppConfig):
    """Translations of bulletins (English, Chinese, ethnic languages) by translators, or drafted by a
    pluggable machine engine; flagged stale when the source changes; each language published to its own
    portal section and feeds."""

    name = "nguon.translations"
    label = "translations"
    verbose_name = "Bản dịch"

    def ready(self) -> None:
        from nguon.content.signals import bulletin_distributed
        from nguon.translations.receivers import on_bulletin_distributed

        bulletin_distributed.connect(on_bulletin_distributed, dispatch_uid="translations.stale_on_correction")
