"""The ``covernote`` console command: Django's management commands under one name.

covernote migrate | covernote demo | covernote calc gap-claim < in.json | covernote audit verify
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covernote.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["covernote", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
