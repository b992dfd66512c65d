from django.apps import AppConfig


class CentralSyncConfig(AppConfig):
    """The upward push to the central system: inventory, bulletins, broadcast results and statistics,
    through a versioned JSON contract with token auth, idempotency keys and retries with backoff, and a log
    of every exchange."""

    name = "nguon.centralsync"
    label = "centralsync"
    verbose_name = "Đồng bộ lên hệ thống trung ương"
