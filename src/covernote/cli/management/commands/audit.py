"""``covernote audit verify|checkpoint``: check the keyed chain; export signed head
checkpoints (PLT-6, ADR 0011)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote.audit.checkpoints import audit_checkpoint_export, default_path
from covernote.audit.selectors import audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks the keyed hash chain and the checkpoints; "
        "`checkpoint` appends a signed checkpoint of the head to a file (PLT-6)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="checkpoint file (default COVERNOTE_AUDIT_CHECKPOINTS; verify skips it if absent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["checkpoints"]
        if options["action"] == "checkpoint":
            line = audit_checkpoint_export(path=path or default_path())
            self.stdout.write(
                f"checkpoint #{line['seq']} {line['hash']} -> {path or default_path()}"
            )
            return
        if path is None and default_path().exists():
            path = default_path()
        checked, problems = audit_verify(checkpoints=path)
        if problems:
            self.stderr.write(f"FIRST BAD RECORD: {problems[0]}")
            for p in problems:
                self.stderr.write(f"TAMPERED {p}")
            self.stderr.write(f"{len(problems)} problem(s) in {checked} audit records")
            sys.exit(1)
        against = f", {path.name} checkpoints hold" if path else ""
        self.stdout.write(f"OK: {checked} audit records, chain intact{against}")
