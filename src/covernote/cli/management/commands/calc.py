"""``covernote calc NAME``: read a JSON object on stdin, print a JSON object.

A refusal prints ``{"error": {"code", "rule", "message", "field"}}`` and exits 2.
``covernote calc --list`` lists the calculators; ``covernote calc NAME --schema`` prints
the calculator's JSON Schema. ``covernote calc …`` itself takes a fast path that skips
Django (``covernote.cli.calc``); this command is the same functions for ``manage.py``
and ``call_command``.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from covernote import calculators
from covernote.cli.calc import list_calcs, print_schema, run_calc


class Command(BaseCommand):
    help = (
        "Run a calculator: JSON object on stdin, JSON object on stdout. "
        "--list lists them; NAME --schema prints the calculator's JSON Schema."
    )
    # A pure function of its input: the system checks would import every URL module (the
    # API, and Polars/PyArrow/pandas with it) for nothing — seconds of start-up (issue 11).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", choices=sorted(calculators.CALCULATORS))
        parser.add_argument("--list", action="store_true", help="list the calculators")
        parser.add_argument(
            "--schema", action="store_true", help="print the calculator's JSON Schema"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if options["list"]:
            code = list_calcs(self.stdout)
        elif name is None:
            raise CommandError("name a calculator, or use --list")
        elif options["schema"]:
            code = print_schema(name, self.stdout)
        else:
            code = run_calc(name, sys.stdin, self.stdout)
        if code:
            sys.exit(code)
