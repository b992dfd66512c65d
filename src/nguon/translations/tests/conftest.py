"""Fixtures of the translations tests: the content app's people and bulletin helpers, and a translator."""

from __future__ import annotations

from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.content.tests.conftest import bulletin_input, category, department, people, sign_in  # noqa: F401


@pytest.fixture
def translator(make_user: Any, province: Any) -> Any:
    """A translator of the province (Role.TRANSLATOR)."""
    return make_user(Role.TRANSLATOR, unit=province)
