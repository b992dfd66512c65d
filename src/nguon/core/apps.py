from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with a named home: audit trail, access control, text, request context."""

    name = "nguon.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
