from django.apps import AppConfig


class Plan614Config(AppConfig):
    """The Đề án 614 tracker: the 2030 and 2045 targets with their measured (or entered, with evidence)
    values and trend, the ten annex tasks with lead and partner units, funding, period, progress updates and
    evidence, and an on track / at risk dashboard."""

    name = "nguon.plan614"
    label = "plan614"
    verbose_name = "Đề án 614"
