from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Citizens' feedback (phản ánh, kiến nghị): intake on every channel (web, API, Open311 GeoReport v2,
    staff entry, the central mobile app), routing, deadlines, answers published and aired, statistics."""

    name = "nguon.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"
