"""Compilation of a commune's schedule into device manifests (being written)."""

from __future__ import annotations

from nguon.units.models import AdministrativeUnit


def request_compile(unit: AdministrativeUnit) -> None:
    """Recompile the commune's manifests in the background (see the compiler)."""
