"""``gap-claim`` calculator: the GAP claim benefit (SPEC §1 "Claim benefit", GAP-COVER).

Payload (money as strings or integers, never floats; booleans as JSON booleans)::

    purchase_price, settlement, motor_excess, limit_of_liability       required
    accepted_settlement (default settlement), market_value,
    outstanding_finance, amount_advanced + market_value_at_purchase,
    contributory_percent | contributory_amount (not both),
    vat_recovered (default false), waive_market_value (default false),
    premium_charged + premium_would_have_charged (PLT-10)               optional

Answer: ``{"payable": "7850.00", "steps": [...], "warnings": [...]}``.

This module also holds the small helpers both GAP calculators share: loading
the product configuration TOML (file I/O stays out of the domain) and reading
payload fields with errors that name the field and rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from covernote.domain.bounds import BoundError, check_day
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.domain.money import format_money, non_negative_money
from covernote.gap.inputs import ClaimFigures
from covernote.products.loader import shipped_params


def load_gap_params(on: date | None = None) -> GapParams:
    """The GAP configuration in force on ``on`` (the newest when ``on`` is None).

    A date before the first version gets the first (the product's launch terms).
    """
    params: GapParams = shipped_params("gap", on, launch_terms_before_first=True)
    return params


class Payload:
    """Reads a calculator payload: every key must be known; errors name the field."""

    def __init__(
        self, payload: object, *, allowed: set[str], rule: str, required: set[str]
    ) -> None:
        if not isinstance(payload, Mapping):
            raise DomainError(ErrorCode.INVALID, "the payload must be a JSON object", rule, None)
        self.data: Mapping[str, Any] = payload
        self.rule = rule
        for key in sorted(set(payload) - allowed):
            raise DomainError(ErrorCode.INVALID, f"unknown field {key!r}", rule, str(key))
        for key in sorted(required - set(payload)):
            raise DomainError(ErrorCode.REQUIRED, f"{key} is required", rule, key)

    def present(self, key: str) -> bool:
        return self.data.get(key) is not None

    def money(self, key: str, rule: str | None = None) -> Decimal:
        return non_negative_money(self.data[key], field=key, rule=rule or self.rule)

    def optional_money(self, key: str, rule: str | None = None) -> Decimal | None:
        return self.money(key, rule) if self.present(key) else None

    def boolean(self, key: str, default: bool, rule: str | None = None) -> bool:
        if not self.present(key):
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            raise DomainError(
                ErrorCode.INVALID, f"{key} must be true or false", rule or self.rule, key
            )
        return value

    def day(self, key: str, rule: str | None = None) -> date:
        value = self.data[key]
        if isinstance(value, str):
            try:
                return check_day(value)  # 1900..2100 (ADR 0023)
            except BoundError as exc:
                raise DomainError(
                    ErrorCode.INVALID, f"{key}: {exc.problem}", rule or self.rule, key
                ) from None
        raise DomainError(
            ErrorCode.INVALID, f"{key} must be an ISO date (YYYY-MM-DD)", rule or self.rule, key
        )

    def optional_day(self, key: str, rule: str | None = None) -> date | None:
        return self.day(key, rule) if self.present(key) else None

    def choice(self, key: str, allowed: tuple[str, ...], rule: str | None = None) -> str:
        value = self.data[key]
        if not isinstance(value, str) or value not in allowed:
            raise DomainError(
                ErrorCode.INVALID,
                f"{key} must be one of {', '.join(allowed)}",
                rule or self.rule,
                key,
            )
        return value


REQUIRED = {"purchase_price", "settlement", "motor_excess", "limit_of_liability"}
OPTIONAL = {
    "accepted_settlement",
    "market_value",
    "outstanding_finance",
    "amount_advanced",
    "market_value_at_purchase",
    "contributory_percent",
    "contributory_amount",
    "vat_recovered",
    "waive_market_value",
    "premium_charged",
    "premium_would_have_charged",
}


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, compute the GAP benefit and return it with its steps."""
    p = Payload(payload, allowed=REQUIRED | OPTIONAL, rule="GAP-COVER", required=REQUIRED)
    figures = ClaimFigures.parse(p.data)  # the same figures a claims handler enters
    claim = ClaimInput(
        purchase_price=p.money("purchase_price", "GAP-DEF-PRICE"),
        settlement=figures.settlement,
        motor_excess=figures.motor_excess,
        limit_of_liability=p.money("limit_of_liability", "GAP-LIMIT"),
        accepted_settlement=figures.accepted_settlement,
        market_value=figures.market_value,
        outstanding_finance=p.optional_money("outstanding_finance", "GAP-DEF-OFB"),
        amount_advanced=p.optional_money("amount_advanced", "GAP-EXCL-8"),
        market_value_at_purchase=p.optional_money("market_value_at_purchase", "GAP-EXCL-8"),
        contributory_percent=figures.contributory_percent,
        contributory_amount=figures.contributory_amount,
        vat_recovered=figures.vat_recovered,
        waive_market_value=figures.waive_market_value,
        premium_charged=figures.premium_charged,
        premium_would_have_charged=figures.premium_would_have_charged,
    )
    decision = gap_benefit(claim, load_gap_params())
    return {
        "payable": format_money(decision.amounts["payable"]),
        "steps": [s.as_dict() for s in decision.steps],
        "warnings": list(decision.warnings),
    }
