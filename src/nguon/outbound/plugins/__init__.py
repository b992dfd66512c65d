"""The registry of outbound plug-ins: one per :class:`nguon.outbound.choices.PluginKind`."""

from __future__ import annotations

from nguon.outbound.plugins.base import Plugin, Result
from nguon.outbound.plugins.email import EmailNewsletter
from nguon.outbound.plugins.facebook import FacebookPage
from nguon.outbound.plugins.sms import SmsGateway
from nguon.outbound.plugins.webhook import Webhook
from nguon.outbound.plugins.zalo import ZaloOA

REGISTRY: dict[str, Plugin] = {
    plugin.kind: plugin for plugin in (ZaloOA(), FacebookPage(), SmsGateway(), EmailNewsletter(), Webhook())
}


def get_plugin(kind: str) -> Plugin:
    return REGISTRY[kind]


__all__ = ["REGISTRY", "Plugin", "Result", "get_plugin"]
