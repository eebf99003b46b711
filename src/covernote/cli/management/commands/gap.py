"""``covernote gap load-valuations FILE``: load the Glass's Guide table (GAP-ELIG-5)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote.domain.errors import DomainError
from covernote.gap.services import gap_valuations_load
from covernote.gap.valuation import read_valuation_csv


class Command(BaseCommand):
    help = "Combined GAP tools: load-valuations FILE (CSV: code,make,model,retail_value)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load-valuations"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_valuation_csv(options["file"])
            created, updated = gap_valuations_load(
                actor="cli", rows=rows, source=str(options["file"])
            )
        except (DomainError, OSError) as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(1)
        self.stdout.write(f"{created} created, {updated} updated from {options['file']}")
