"""Nguồn — Hệ thống thông tin nguồn cấp tỉnh (the Provincial Source Information System)."""

__version__ = "0.1.0"
