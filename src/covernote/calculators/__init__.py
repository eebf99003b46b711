"""Calculators: one JSON contract, two doors (the ``covernote calc`` CLI and the REST API).

Each calculator module declares its contract as pydantic models (``Input``,
``Output``; :mod:`covernote.calculators.contract`), a ``SUMMARY`` and the ``RULES`` it
applies, ``compute(Input) -> dict`` and ``run(payload: dict) -> dict``. ``run`` validates
the payload against ``Input`` (a refusal is a ``DomainError`` naming the field and rule,
with every bad field in ``errors``), calls the pure domain function and returns a
JSON-ready dict with money as two-decimal strings and dates as ISO strings. The CLI prints
the dict (``covernote calc NAME --schema`` prints the models' JSON Schema); the API
validates the same ``Input`` and answers ``Output``. A refusal is rendered as
``{"error": {"code", "rule", "message", "field"}}`` by both doors.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType
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


def module(name: str) -> ModuleType:
    """The calculator's module: ``Input``, ``Output``, ``SUMMARY``, ``RULES``, ``compute``."""
    if name not in CALCULATORS:
        raise KeyError(name)
    return import_module(CALCULATORS[name])


def schema(name: str) -> dict[str, Any]:
    """The calculator's JSON Schema: ``input`` and ``output`` (JSON Schema 2020-12)."""
    mod = module(name)
    return {
        "name": name,
        "summary": mod.SUMMARY,
        "rules": list(mod.RULES),
        "input": mod.Input.model_json_schema(),
        "output": mod.Output.model_json_schema(mode="serialization"),
    }
