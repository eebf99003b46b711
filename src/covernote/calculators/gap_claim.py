"""``gap-claim`` calculator: the GAP claim benefit (SPEC §1 "Claim benefit", GAP-COVER).

The payload is :class:`GapClaimInput` (money as strings or whole numbers, never floats; booleans
as JSON booleans); the answer is :class:`GapClaimOutput`, e.g.
``{"payable": "7850.00", "steps": [...], "warnings": [...]}``. The motor insurer's
figures are the same :class:`covernote.gap.inputs.claims.ClaimFigures` a claims handler enters.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from covernote.calculators.contract import (
    CalcInput,
    CalcOutput,
    Money,
    Step,
    parse,
    rule,
)
from covernote.domain.gap.params import GapParams
from covernote.domain.gap.settlement import ClaimInput, gap_benefit
from covernote.domain.money import format_money
from covernote.gap.inputs.claims import ClaimFigures
from covernote.products.loader import shipped_params

SUMMARY = "The GAP claim benefit: the gap between the price paid and the motor settlement"
RULES = ("GAP-COVER-1", "GAP-COVER-3", "GAP-BEST-1", "GAP-LIMIT", "GAP-EXCL-18", "PLT-10")


def load_gap_params(on: date | None = None) -> GapParams:
    """The GAP configuration in force on ``on`` (the newest when ``on`` is None).

    A date before the first version gets the first (the product's launch terms).
    """
    params: GapParams = shipped_params("gap", on, launch_terms_before_first=True)
    return params


class GapClaimInput(CalcInput):
    """A GAP claim's figures (SPEC §1 "Claim benefit")."""

    RULE = "GAP-COVER"

    purchase_price: Money = rule("GAP-DEF-PRICE", "The vehicle's purchase price")
    settlement: Money = rule("GAP-DEF-SETTLE", "The motor insurer's total-loss settlement")
    motor_excess: Money = rule("GAP-COVER-3", "The motor policy's excess, added back")
    limit_of_liability: Money = rule("GAP-LIMIT", "The policy's limit of liability")
    accepted_settlement: Money | None = rule(
        "GAP-BEST-1", "The settlement the customer accepted (default: settlement)", default=None
    )
    market_value: Money | None = rule("GAP-DEF-MV", "Market value at the loss", default=None)
    outstanding_finance: Money | None = rule(
        "GAP-DEF-OFB", "Outstanding finance balance", default=None
    )
    amount_advanced: Money | None = rule(
        "GAP-EXCL-8", "Finance advanced (with market_value_at_purchase)", default=None
    )
    market_value_at_purchase: Money | None = rule("GAP-EXCL-8", default=None)
    contributory_percent: Money | None = rule(
        "GAP-EXCL-18", "Contributory negligence as a percentage (not with an amount)", default=None
    )
    contributory_amount: Money | None = rule(
        "GAP-EXCL-18", "Contributory negligence as an amount (not with a percentage)", default=None
    )
    vat_recovered: bool = rule(
        "GAP-EXCL-14", "The customer recovers VAT", default=False, strict=True
    )
    waive_market_value: bool = rule(
        "GAP-BEST-1", "Waive the market-value test", default=False, strict=True
    )
    premium_charged: Money | None = rule("PLT-10", default=None)
    premium_would_have_charged: Money | None = rule(
        "PLT-10", "Needed with premium_charged (proportionate settlement)", default=None
    )


class GapClaimOutput(CalcOutput):
    payable: str = rule("GAP-COVER-1", "The benefit payable, two decimals")
    steps: list[Step]
    warnings: list[str]


Input = GapClaimInput
Output = GapClaimOutput


def compute(data: Input) -> dict[str, Any]:
    figures = ClaimFigures(  # the same figures a claims handler enters
        settlement=data.settlement,
        motor_excess=data.motor_excess,
        accepted_settlement=data.accepted_settlement,
        market_value=data.market_value,
        contributory_percent=data.contributory_percent,
        contributory_amount=data.contributory_amount,
        vat_recovered=data.vat_recovered,
        waive_market_value=data.waive_market_value,
        premium_charged=data.premium_charged,
        premium_would_have_charged=data.premium_would_have_charged,
    )
    claim = ClaimInput(
        purchase_price=data.purchase_price,
        settlement=figures.settlement,
        motor_excess=figures.motor_excess,
        limit_of_liability=data.limit_of_liability,
        accepted_settlement=figures.accepted_settlement,
        market_value=figures.market_value,
        outstanding_finance=data.outstanding_finance,
        amount_advanced=data.amount_advanced,
        market_value_at_purchase=data.market_value_at_purchase,
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


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate the payload, compute the GAP benefit and return it with its steps."""
    return compute(parse(Input, payload))
