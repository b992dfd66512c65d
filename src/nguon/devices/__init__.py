"""The device fleet: registry, the signed device protocol (server side), telemetry ingest and manifests.

``nguon.devices.protocol`` is pure Python (no Django) so that the reference agent can use it.
"""
