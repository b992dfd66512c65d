"""The Nguồn device protocol, level 1 (docs/device-protocol.md): pure Python, no Django.

Used by the server (signing commands and manifests, checking telemetry) and by the reference agent
(checking commands and manifests, building telemetry), so both sides run exactly the same rules.
"""

PROTOCOL_LEVEL = 1
"""The protocol level this code speaks; every message carries it as ``"v"``."""

SUPPORTED_LEVELS = frozenset({1})
