"""JSON Schemas (draft 2020-12) of protocol level 1; copied verbatim to docs/protocol/."""
