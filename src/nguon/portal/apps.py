from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public portal: approved bulletins by category and unit, a page per commune (its bulletins,
    today's radio programme, what its e-boards show), emergency alerts, search, and the foreign-language
    sections. Public: no login; only what has been published is ever read here."""

    name = "nguon.portal"
    label = "portal"
    verbose_name = "Cổng thông tin công khai"
