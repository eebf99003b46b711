"""Typed read-back of the decisions a complaint stores as JSON (ARCHITECTURE §6).

Services write ``Decision.as_dict()``; pages and services read it back through
these frozen records, never through raw dict keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StepRecord:
    """One step of a stored decision: the rule, what it did and what it produced."""

    rule: str
    description: str
    value: Any = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepRecord:
        return cls(
            rule=str(data.get("rule") or ""),
            description=str(data.get("description") or ""),
            value=data.get("value"),
        )


@dataclass(frozen=True)
class FosReferralRecord:
    """The check made when the complainant referred to the FOS (COMP-4, COMP-FOS-ELIG)."""

    window: str  # within_window | before_window | after_window
    eligible: bool
    category: str
    eur_per_gbp: str
    eur_per_gbp_source: str
    flags: tuple[str, ...]
    window_from: str | None
    window_until: str | None
    steps: tuple[StepRecord, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FosReferralRecord | None:
        if not data:
            return None
        return cls(
            window=str(data.get("outcome") or ""),
            eligible=bool(data.get("eligible")),
            category=str(data.get("category") or ""),
            eur_per_gbp=str(data.get("eur_per_gbp") or ""),
            eur_per_gbp_source=str(data.get("eur_per_gbp_source") or ""),
            flags=tuple(str(f) for f in data.get("flags") or ()),
            window_from=data.get("window_from"),
            window_until=data.get("window_until"),
            steps=tuple(StepRecord.from_json(s) for s in data.get("steps") or ()),
        )

    @property
    def window_label(self) -> str:
        return self.window.replace("_", " ")
