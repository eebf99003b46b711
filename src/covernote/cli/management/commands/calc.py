"""``covernote calc NAME``: read a JSON object on stdin, print a JSON object.

A refusal prints ``{"error": {"code", "rule", "message", "field"}}`` and exits 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote import calculators
from covernote.domain.errors import DomainError


class Command(BaseCommand):
    help = "Run a calculator: JSON object on stdin, JSON object on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(calculators.CALCULATORS))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]

        def fail(
            code: str, message: str, rule: str | None = None, field: str | None = None
        ) -> None:
            self.stdout.write(
                json.dumps(
                    {"error": {"code": code, "rule": rule, "message": message, "field": field}}
                )
            )
            sys.exit(2)

        if name not in calculators.available():
            fail("not_found", f"the {name} calculator is not available in this build")
        raw = sys.stdin.read()
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError as exc:
            fail("invalid", f"stdin is not JSON: {exc}", "API-INPUT")
        if not isinstance(payload, dict):
            fail("invalid", "stdin must hold one JSON object", "API-INPUT")
        try:
            result = calculators.get(name)(payload)
        except DomainError as exc:
            fail(str(exc.code), exc.message, exc.rule, exc.field)
        self.stdout.write(json.dumps(result, indent=2))
