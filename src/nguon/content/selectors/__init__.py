"""Reads of the content app, one module per area; every list goes through :func:`nguon.core.access.scope`."""
