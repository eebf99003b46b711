"""``covernote calc NAME``: JSON object on stdin, JSON object on stdout.

Calculators are pure functions of their input (``covernote.calculators``), so this runs
without starting Django: ``covernote calc`` answers in well under a second (issue 11).
The management command of the same name calls this too.
A refusal prints ``{"error": {"code", "rule", "message", "field"}}`` and exits 2.
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def _error(
    out: Writer, code: str, message: str, rule: str | None = None, field: str | None = None
) -> int:
    out.write(
        json.dumps({"error": {"code": code, "rule": rule, "message": message, "field": field}})
    )
    out.write("\n")
    return 2


def run_calc(name: str, stdin: IO[str], stdout: Writer) -> int:
    """Run calculator ``name`` on the JSON object read from ``stdin``; return the exit code."""
    from covernote import calculators
    from covernote.domain.errors import DomainError

    try:  # import only the one asked for: each pulls in its own part of the domain
        run = calculators.get(name)
    except (KeyError, ModuleNotFoundError):
        return _error(stdout, "not_found", f"the {name} calculator is not available in this build")
    try:
        payload = json.loads(stdin.read())
    except json.JSONDecodeError as exc:
        return _error(stdout, "invalid", f"stdin is not JSON: {exc}", "API-INPUT")
    if not isinstance(payload, dict):
        return _error(stdout, "invalid", "stdin must hold one JSON object", "API-INPUT")
    try:
        result = run(payload)
    except DomainError as exc:
        return _error(stdout, str(exc.code), exc.message, exc.rule, exc.field)
    stdout.write(json.dumps(result, indent=2))
    stdout.write("\n")
    return 0
