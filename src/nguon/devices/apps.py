from django.apps import AppConfig


class DevicesConfig(AppConfig):
    """The device fleet: speaker clusters and e-boards, their signed protocol, telemetry and manifests."""

    name = "nguon.devices"
    label = "devices"
    verbose_name = "Thiết bị đầu cuối"
