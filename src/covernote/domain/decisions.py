"""Decisions: an outcome with the ordered steps that produced it (ARCHITECTURE §3.1).

Every step cites the SPEC rule id it applies, the inputs it used and what it
produced, so a claim settlement, refund or premium change can be shown to the
customer, the handler and the Financial Ombudsman exactly as it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from covernote.domain.money import format_money


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Step:
    """One step of a calculation: the rule it applies and what it produced."""

    rule: str
    description: str
    amount: Decimal | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "description": self.description}
        if self.amount is not None:
            out["amount"] = format_money(self.amount)
        if self.value is not None:
            out["value"] = _jsonable(self.value)
        if self.inputs:
            out["inputs"] = _jsonable(self.inputs)
        return out


@dataclass
class Decision:
    """The outcome of a rule-driven calculation, with its ordered steps.

    ``outcome`` is a short machine word (``"payable"``, ``"refund"``,
    ``"eligible"``, ``"declined"`` …); ``amounts`` holds the named money
    results; ``warnings`` are things a handler must look at but that do not
    change the figure (late notice, a waived rule, …).
    """

    outcome: str
    amounts: dict[str, Decimal] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def step(
        self,
        rule: str,
        description: str,
        amount: Decimal | None = None,
        *,
        value: Any = None,
        **inputs: Any,
    ) -> Step:
        s = Step(rule=rule, description=description, amount=amount, inputs=inputs, value=value)
        self.steps.append(s)
        return s

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def rules(self) -> list[str]:
        return [s.rule for s in self.steps]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome}
        out.update({k: format_money(v) for k, v in self.amounts.items()})
        out.update({k: _jsonable(v) for k, v in self.data.items()})
        out["steps"] = [s.as_dict() for s in self.steps]
        out["warnings"] = list(self.warnings)
        return out
