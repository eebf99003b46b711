"""``covernote calc NAME``: JSON object on stdin, JSON object on stdout.

Calculators are pure functions of their input (``covernote.calculators``), so this runs
without starting Django: ``covernote calc`` answers in well under a second (issue 11).
The management command of the same name calls this too.
A refusal prints ``{"error": {"code", "rule", "message", "field", "errors"}}`` and exits 2
(``errors`` lists every invalid field when the payload does not fit the schema).

``covernote calc --list`` prints the calculators with what each works out;
``covernote calc NAME --schema`` prints the calculator's JSON Schema (input and output).
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def _error(
    out: Writer,
    code: str,
    message: str,
    rule: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> int:
    error: dict[str, Any] = {"code": code, "rule": rule, "message": message, "field": field}
    if errors:
        error["errors"] = [{k: e[k] for k in ("field", "message", "rule")} for e in errors]
    out.write(json.dumps({"error": error}))
    out.write("\n")
    return 2


def _not_found(out: Writer, name: str) -> int:
    return _error(out, "not_found", f"the {name} calculator is not available in this build")


def list_calcs(stdout: Writer) -> int:
    """One line per calculator: its name, what it works out, and the rules it applies."""
    from covernote import calculators

    for name in calculators.available():
        mod = calculators.module(name)
        stdout.write(f"{name:<18} {mod.SUMMARY} ({', '.join(mod.RULES)})\n")
    return 0


def print_schema(name: str, stdout: Writer) -> int:
    """The calculator's JSON Schema: ``{"name", "summary", "rules", "input", "output"}``."""
    from covernote import calculators

    try:
        schema = calculators.schema(name)
    except (KeyError, ModuleNotFoundError):
        return _not_found(stdout, name)
    stdout.write(json.dumps(schema, indent=2))
    stdout.write("\n")
    return 0


def run_calc(name: str, stdin: IO[str], stdout: Writer) -> int:
    """Run calculator ``name`` on the JSON object read from ``stdin``; return the exit code."""
    from covernote import calculators
    from covernote.calculators.contract import CalcInputError
    from covernote.domain.errors import DomainError

    try:  # import only the one asked for: each pulls in its own part of the domain
        run = calculators.get(name)
    except (KeyError, ModuleNotFoundError):
        return _not_found(stdout, name)
    try:
        payload = json.loads(stdin.read())
    except json.JSONDecodeError as exc:
        return _error(stdout, "invalid", f"stdin is not JSON: {exc}", "API-INPUT")
    if not isinstance(payload, dict):
        return _error(stdout, "invalid", "stdin must hold one JSON object", "API-INPUT")
    try:
        result = run(payload)
    except CalcInputError as exc:
        return _error(stdout, str(exc.code), exc.message, exc.rule, exc.field, exc.errors)
    except DomainError as exc:
        return _error(stdout, str(exc.code), exc.message, exc.rule, exc.field)
    stdout.write(json.dumps(result, indent=2))
    stdout.write("\n")
    return 0


def main(args: list[str], stdin: IO[str], stdout: Writer) -> int | None:
    """``calc`` with its arguments, if they are ones this fast path answers; else None."""
    flags = [a for a in args if a.startswith("-")]
    names = [a for a in args if not a.startswith("-")]
    if flags == ["--list"] and not names:
        return list_calcs(stdout)
    if flags == ["--schema"] and len(names) == 1:
        return print_schema(names[0], stdout)
    if not flags and len(names) == 1:
        return run_calc(names[0], stdin, stdout)
    return None  # --help and mistakes: Django's argument parser explains
