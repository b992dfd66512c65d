from django.apps import AppConfig


class SpeechConfig(AppConfig):
    """Text normalisation for Vietnamese speech, text-to-speech engines and broadcast-ready audio."""

    name = "nguon.speech"
    label = "speech"
    verbose_name = "Chuyển văn bản thành giọng nói"
