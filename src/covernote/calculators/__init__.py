"""Calculators: one JSON contract, two doors (the ``covernote calc`` CLI and the REST API).

Each calculator module exposes ``run(payload: dict) -> dict``. It validates the
payload (raising :class:`covernote.domain.errors.DomainError` naming the field
and rule), calls the pure domain function and returns a JSON-ready dict with
money as two-decimal strings and dates as ISO strings. The CLI prints the dict;
the API returns it. A refusal is rendered as ``{"error": {"code", "rule",
"message", "field"}}`` by both doors.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

CALCULATORS: dict[str, str] = {
    "gap-claim": "covernote.calculators.gap_claim",
    "gap-cancellation": "covernote.calculators.gap_cancellation",
    "yd-cancellation": "covernote.calculators.yd_cancellation",
    "yd-review": "covernote.calculators.yd_review",
    "complaint-clock": "covernote.calculators.complaint_clock",
    "fos-eligibility": "covernote.calculators.fos_eligibility",
}


def available() -> list[str]:
    """Calculators whose module is present (a product still being built is left out)."""
    names = []
    for name, module in CALCULATORS.items():
        try:
            import_module(module)
        except ModuleNotFoundError:
            continue
        names.append(name)
    return names


def get(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    if name not in CALCULATORS:
        raise KeyError(name)
    run: Callable[[dict[str, Any]], dict[str, Any]] = import_module(CALCULATORS[name]).run
    return run
