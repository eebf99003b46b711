"""``covernote calc NAME``: read a JSON object on stdin, print a JSON object.

A refusal prints ``{"error": {"code", "rule", "message", "field"}}`` and exits 2.
``covernote calc NAME`` itself takes a fast path that skips Django (``covernote.cli.calc``);
this command is the same function for ``manage.py`` and ``call_command``.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote import calculators
from covernote.cli.calc import run_calc


class Command(BaseCommand):
    help = "Run a calculator: JSON object on stdin, JSON object on stdout."
    # A pure function of its input: the system checks would import every URL module (the
    # API, and Polars/PyArrow/pandas with it) for nothing — seconds of start-up (issue 11).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(calculators.CALCULATORS))

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_calc(options["name"], sys.stdin, self.stdout)
        if code:
            sys.exit(code)
