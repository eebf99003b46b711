"""Stored GAP decisions read back as types (ARCHITECTURE §6: "decisions are read back
through typed accessors, not JSON keys").

A quote stores its eligibility Decision (GAP-ELIG-1..7) and a claim its validity
Decision (GAP-CLAIM-2/3) as JSON; both list ``{"rule", "reason"}`` findings. Every
stored Decision has its ordered steps (:class:`DecisionRecord`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One failing rule and why: an eligibility failure or a claim decline."""

    rule: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


def _findings(stored: Mapping[str, Any] | None, key: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(rule=str(f["rule"]), reason=str(f["reason"])) for f in (stored or {}).get(key, [])
    )


@dataclass(frozen=True)
class EligibilityRecord:
    """A quote's stored eligibility Decision (GAP-ELIG-1..7)."""

    outcome: str
    failures: tuple[Finding, ...]

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> EligibilityRecord:
        return cls(str((stored or {}).get("outcome", "")), _findings(stored, "failures"))


@dataclass(frozen=True)
class ValidityRecord:
    """A claim's stored validity Decision (GAP-CLAIM-2/3); empty before assessment."""

    outcome: str
    declines: tuple[Finding, ...]

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> ValidityRecord:
        return cls(str((stored or {}).get("outcome", "")), _findings(stored, "declines"))

    @property
    def decline_rules(self) -> list[str]:
        return sorted({d.rule for d in self.declines})

    def reason_for(self, rule: str) -> str:
        return next((d.reason for d in self.declines if d.rule == rule), "")


@dataclass(frozen=True)
class StepLine:
    """One step of a stored Decision: its rule, what it did and any amount."""

    rule: str
    description: str
    amount: Decimal | None = None
    value: Any = None  # what a non-money step produced (a date, a count, a flag …)
    # GAP-DEF-PRICE / GAP-DEF-OFB: a line left out of the figure keeps its own amount, so
    # pages show "£450.00 excluded", never "£0.00".
    excluded_amount: Decimal | None = None


def _excluded(step: Mapping[str, Any]) -> Decimal | None:
    raw = (step.get("inputs") or {}).get("excluded_amount")
    return Decimal(str(raw)) if raw not in (None, "") else None


@dataclass(frozen=True)
class DecisionRecord:
    """Any stored Decision (``Decision.as_dict``): its outcome, steps and warnings."""

    outcome: str
    steps: tuple[StepLine, ...]
    warnings: tuple[str, ...]

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> DecisionRecord:
        stored = stored or {}
        return cls(
            outcome=str(stored.get("outcome", "")),
            steps=tuple(
                StepLine(
                    rule=str(s.get("rule", "")),
                    description=str(s.get("description", "")),
                    amount=Decimal(str(s["amount"])) if s.get("amount") not in (None, "") else None,
                    value=s.get("value"),
                    excluded_amount=_excluded(s),
                )
                for s in stored.get("steps", [])
            ),
            warnings=tuple(str(w) for w in stored.get("warnings", [])),
        )
