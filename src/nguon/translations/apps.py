from django.apps import AppConfig


class TranslationsConfig(AppConfig):
    """Translations of bulletins (English, Chinese, ethnic languages) by translators, or drafted by a
    pluggable machine engine; flagged stale when the source changes; each language published to its own
    portal section and feeds."""

    name = "nguon.translations"
    label = "translations"
    verbose_name = "Bản dịch"
