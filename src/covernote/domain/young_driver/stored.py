"""Young Driver decisions read back from the JSON they were stored as.

A :class:`~covernote.domain.decisions.Decision` is stored with its quote, cancellation,
renewal or review as ``Decision.as_dict()`` (amounts flattened to strings beside the
outcome). Code that reads one back goes through :class:`StoredDecision` rather than
picking keys out of the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from covernote.domain.money import ZERO

_STRUCTURE = frozenset({"outcome", "steps", "warnings"})


@dataclass(frozen=True)
class StoredDecision:
    """The parts of a stored decision: outcome, ordered steps (as stored, each with
    ``rule``, ``description`` and perhaps ``amount``), warnings and named values."""

    outcome: str = ""
    steps: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> StoredDecision:
        data = raw or {}
        return cls(
            outcome=str(data.get("outcome", "")),
            steps=tuple(data.get("steps") or ()),
            warnings=tuple(str(w) for w in data.get("warnings") or ()),
            values={k: v for k, v in data.items() if k not in _STRUCTURE},
        )

    def amount(self, name: str, default: Decimal = ZERO) -> Decimal:
        """A named money value (stored as a string), or ``default`` when absent."""
        value = self.values.get(name)
        return default if value is None else Decimal(str(value))
