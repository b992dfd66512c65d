"""The public read API for mobile apps and partners, under /api/public/v1/: no login, read only.

Same error shape as the staff API (``{"error": {"code", "message", "details"}}``), ETags on every list
and item, cursor-free page numbers with a bounded page size.
"""

from __future__ import annotations

from ninja import NinjaAPI

from nguon import __version__

public_api = NinjaAPI(
    title="Nguồn — API công khai",
    version="1",
    description=f"API đọc công khai của hệ thống thông tin nguồn (Nguồn {__version__}).",
    urls_namespace="public-api-v1",
    auth=None,
    docs_url="/docs",
)
