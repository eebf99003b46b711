"""The ``covernote`` console command: Django's management commands under one name.

covernote migrate | covernote demo | covernote calc gap-claim < in.json | covernote audit verify
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    # `serve` is the production server: production settings unless told otherwise (issue 11).
    # The other commands default to development, as `make run` and the README use them.
    default = "production" if args[:1] == ["serve"] else "dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"covernote.settings.{default}")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["covernote", *args])
    except ImproperlyConfigured as exc:  # fail closed, with one line naming the variable
        sys.stderr.write(f"covernote: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
