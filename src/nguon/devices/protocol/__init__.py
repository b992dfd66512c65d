"""The Nguồn device protocol (docs/device-protocol.md): pure Python, no Django.

Used by the server (signing commands and manifests, checking telemetry) and by the reference agent
(checking commands and manifests, building telemetry), so both sides run exactly the same rules.
"""

MESSAGE_VERSION = 1
"""The message format every message carries as ``"v"`` (unchanged since level 1)."""

PROTOCOL_LEVEL = 2
"""The protocol level this code speaks, in the bundle's and the heartbeat's ``"protocol"``.

Level 1: per-device topics and commands. Level 2 adds *group commands*: one signed command on a
group topic (``nguon/v1/g/<group>/cmd``) for every device provisioned into that group."""

SUPPORTED_LEVELS = frozenset({MESSAGE_VERSION})
"""Message versions a device accepts (a command with another ``"v"`` is ``unsupported-version``)."""
