"""The ``nguon`` console script: Django's management commands with Nguồn's settings.

``nguon migrate``, ``nguon runserver``, ``nguon units import``, ``nguon demo load``, ``nguon start`` …
A configuration problem is printed as a list of plain messages, not a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")
    from nguon import config

    try:
        config.load()
    except config.ConfigError as error:
        print(
            "Nguồn cannot start; fix these environment variables (see docs/configuration.md):",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(["nguon", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
