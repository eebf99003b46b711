"""``covernote products load [FILE ...]``: check and load product configuration (TOML)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote.products.loader import ConfigurationError
from covernote.products.services import product_configs_load


class Command(BaseCommand):
    help = "Load versioned product configuration files into the database (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or None
        try:
            results = product_configs_load(actor="cli", paths=files)
        except ConfigurationError as exc:
            self.stderr.write(f"error: {exc.message}")
            self.stderr.write("nothing was loaded")
            sys.exit(1)
        for cfg, status in results:
            self.stdout.write(
                f"{status:9} {cfg.product} v{cfg.version} (from {cfg.effective_from}) {cfg.source}"
            )
