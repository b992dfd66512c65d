"""Writes of the devices app, one module per concern: ``registry``, ``provisioning``, ``commands``,
``manifests`` and ``ingest`` (telemetry from devices, run by ``nguon devices ingest``)."""
