"""``covernote audit verify``: walk the hash chain and name any changed or deleted record (PLT-6)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain (PLT-6)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        if problems:
            for p in problems:
                self.stderr.write(f"TAMPERED {p}")
            self.stderr.write(f"{len(problems)} problem(s) in {checked} audit records")
            sys.exit(1)
        self.stdout.write(f"OK: {checked} audit records, chain intact")
