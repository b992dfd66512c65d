"""Reads of the devices app: ``registry`` (scoped lists and lookups) and ``status`` (derived facts)."""
