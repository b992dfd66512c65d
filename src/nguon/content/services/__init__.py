"""Writes of the content app, one module per concern; every write goes through these functions."""
