from django.apps import AppConfig


class RadioConfig(AppConfig):
    """Commune radio programming: programmes, occurrences, compilation into device manifests,
    play-now, emergency broadcasts (with CAP 1.2), live and relay."""

    name = "nguon.radio"
    label = "radio"
    verbose_name = "Truyền thanh cơ sở"
