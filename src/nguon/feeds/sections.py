"""A public section as a request names it: a language, optionally narrowed to a category and a unit.

Feeds, ninjs and the public API read through :class:`Section`, whose bulletins are exactly
:func:`nguon.portal.selectors.list_public` — the one definition of what the public may read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from nguon.content.choices import Language
from nguon.content.models import Bulletin, Category
from nguon.portal.selectors import list_public
from nguon.units.models import AdministrativeUnit

#: What a category or unit code may look like in a query (anything else is refused before the database).
CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: A language code as it appears in a URL or a query.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,16}$")


class SectionError(Exception):
    """A query that names no section: ``status`` 404 for an unknown code, 400 for a malformed one."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Section:
    """Public bulletins of one language, optionally of one category and written under one unit."""

    language: str
    category: Category | None = None
    unit: AdministrativeUnit | None = None

    def bulletins(self) -> QuerySet[Bulletin]:
        """The section's bulletins, newest live revision first."""
        return list_public(language=self.language, category=self.category, unit=self.unit)

    @property
    def query(self) -> dict[str, str]:
        """The filters as query parameters (for self links)."""
        params: dict[str, str] = {}
        if self.category is not None:
            params["category"] = self.category.code
        if self.unit is not None:
            params["unit"] = self.unit.code
        return params


def check_language(language: str) -> str:
    """``language`` if it is one of :class:`Language`; :class:`SectionError` (404) otherwise."""
    if not LANGUAGE_CODE.match(language or "") or language not in Language.values:
        known = ", ".join(Language.values)
        raise SectionError(404, "language", f"Không có chuyên mục ngôn ngữ '{language[:32]}' (có: {known}).")
    return language


def get_category(code: str) -> Category:
    if not CODE.match(code):
        raise SectionError(
            400, "category", "Mã lĩnh vực không hợp lệ (chữ, số, '-' hoặc '_', tối đa 64 ký tự)."
        )
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise SectionError(404, "category", f"Không có lĩnh vực mã '{code}'.")
    return category


def get_unit(code: str) -> AdministrativeUnit:
    if not CODE.match(code):
        raise SectionError(400, "unit", "Mã đơn vị hành chính không hợp lệ (chữ số, tối đa 64 ký tự).")
    unit = AdministrativeUnit.objects.filter(code=code, is_current=True).order_by("path").first()
    if unit is None:
        raise SectionError(404, "unit", f"Không có đơn vị hành chính đang hiệu lực mã '{code}'.")
    return unit


def resolve_section(language: str, *, category: str | None = None, unit: str | None = None) -> Section:
    """The section a request names; :class:`SectionError` for an unknown or malformed code."""
    return Section(
        language=check_language(language),
        category=get_category(category) if category else None,
        unit=get_unit(unit) if unit else None,
    )
