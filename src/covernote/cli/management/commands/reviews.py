"""``covernote reviews run --as-of DATE``: the 90-day premium reviews due that day (YD-REVIEW).

Idempotent and resumable: a review already made is never made again. Progress
is drawn as a bar; the outcome letters and payment notices follow with
``covernote reviews notify`` (also run by ``covernote tick``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from covernote.telematics.reviews import reviews_notify, reviews_run


class Command(BaseCommand):
    help = "Run the 90-day driving reviews due on a date, or send their outcome letters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "notify"])
        parser.add_argument("--as-of", type=date.fromisoformat, required=True)
        parser.add_argument("--limit", type=int, default=500, help="letters per call (notify)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"]
        if options["action"] == "notify":
            sent = reviews_notify(as_of=as_of, limit=options["limit"])
            self.stdout.write(f"{sent} review outcome letters sent")
            return
        with tqdm(desc=f"reviews {as_of}", unit="policy", disable=None) as bar:
            result = reviews_run(as_of=as_of, progress=bar.update)
        self.stdout.write(
            f"{result.created} reviews made ({result.increased} up, {result.decreased} down, "
            f"{result.unchanged} unchanged, {result.capped} capped); "
            f"{result.already_done} already done; {result.errors} errors"
        )
