"""``covernote tick --as-of DATE``: the one idempotent scheduled command cron runs.

Each job is a function ``(as_of: date, stdout) -> str`` registered in
``covernote.cli.jobs.JOBS``; running a day twice does nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from covernote.cli.jobs import JOBS


class Command(BaseCommand):
    help = "Run every scheduled job for a date (default today, Europe/London). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        for name, job in JOBS:
            summary = job(as_of)
            self.stdout.write(f"{name:32} {summary}")
