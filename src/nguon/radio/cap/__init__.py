"""CAP 1.2 (OASIS Common Alerting Protocol) without Django models: the vendored OASIS schema, a safe
parser, the document builder and the reader of incoming alerts. The services in
``nguon.radio.services.cap`` put these together with the database."""

from nguon.radio.cap.schema import CAP_NS, CapError, cap_time, parse_cap, schema_errors

__all__ = ["CAP_NS", "CapError", "cap_time", "parse_cap", "schema_errors"]
