from django.apps import AppConfig


class OutboundConfig(AppConfig):
    """Outbound channels: Zalo Official Account, Facebook Page, SMS gateway, e-mail newsletter and
    webhooks, each a plug-in (a format and a transport), with a durable per-destination queue, retries with
    backoff, a delivery log, manual resend, and corrections and withdrawals sent wherever the item went."""

    name = "nguon.outbound"
    label = "outbound"
    verbose_name = "Kênh phát hành ra ngoài"

    def ready(self) -> None:
        from nguon.content import signals
        from nguon.outbound import receivers

        signals.bulletin_distributed.connect(receivers.on_distributed, dispatch_uid="outbound.distributed")
        signals.bulletin_withdrawn.connect(receivers.on_withdrawn, dispatch_uid="outbound.withdrawn")
