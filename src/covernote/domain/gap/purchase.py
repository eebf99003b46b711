"""Purchase price from the lines of the vehicle invoice (GAP-DEF-PRICE).

Seed 002 "Purchase Price": the price paid for the vehicle (including factory and
dealer fitted accessories endorsed by the manufacturer) including any discount
given, but **excluding** any warranty, new vehicle registration fee, any
insurance premiums, road fund licence, fuel and paintwork protection
applications, any arrears or negative equity transferred from a previous
agreement. The invoice is captured as separate lines so the system derives the
price and shows which lines it left out and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, round_money

RULE = "GAP-DEF-PRICE"


class PriceLineKind(StrEnum):
    """What an invoice line is for; decides whether it is part of the purchase price."""

    VEHICLE = "vehicle"
    ACCESSORY = "accessory"  # factory or dealer fitted, endorsed by the manufacturer
    DISCOUNT = "discount"  # a positive amount, subtracted
    ACCESSORY_NOT_ENDORSED = "accessory_not_endorsed"
    WARRANTY = "warranty"
    REGISTRATION_FEE = "registration_fee"  # new vehicle registration fee
    INSURANCE_PREMIUM = "insurance_premium"
    ROAD_FUND_LICENCE = "road_fund_licence"
    FUEL = "fuel"
    PAINT_FABRIC_PROTECTION = "paint_fabric_protection"
    ARREARS = "arrears"
    NEGATIVE_EQUITY = "negative_equity"


INCLUDED_KINDS = frozenset({PriceLineKind.VEHICLE, PriceLineKind.ACCESSORY})
EXCLUDED_KINDS = frozenset(set(PriceLineKind) - INCLUDED_KINDS - {PriceLineKind.DISCOUNT})

_EXCLUSION_REASON = {
    PriceLineKind.ACCESSORY_NOT_ENDORSED: "accessories not endorsed by the manufacturer",
    PriceLineKind.WARRANTY: "warranty",
    PriceLineKind.REGISTRATION_FEE: "new vehicle registration fee",
    PriceLineKind.INSURANCE_PREMIUM: "insurance premiums",
    PriceLineKind.ROAD_FUND_LICENCE: "road fund licence",
    PriceLineKind.FUEL: "fuel",
    PriceLineKind.PAINT_FABRIC_PROTECTION: "paint/fabric protection",
    PriceLineKind.ARREARS: "arrears from a previous agreement",
    PriceLineKind.NEGATIVE_EQUITY: "negative equity from a previous agreement",
}


@dataclass(frozen=True)
class PriceLine:
    """One line of the vehicle invoice; ``amount`` is positive (a discount too)."""

    kind: PriceLineKind
    amount: Decimal
    description: str = ""


def purchase_price(lines: Iterable[PriceLine]) -> Decision:
    """GAP-DEF-PRICE: sum the included lines, subtract discounts, leave out the rest.

    Returns a Decision with outcome ``"purchase_price"`` and
    ``amounts["purchase_price"]``; each line is a step saying whether it counted.
    """
    decision = Decision(outcome="purchase_price")
    total = ZERO
    has_vehicle = False
    for i, line in enumerate(lines):
        field = f"lines[{i}].amount"
        if line.amount < 0:
            raise DomainError(
                ErrorCode.INVALID,
                f"{field} must not be negative (a discount is positive)",
                RULE,
                field,
            )
        label = line.description or line.kind.value
        if line.kind in INCLUDED_KINDS:
            has_vehicle = has_vehicle or line.kind is PriceLineKind.VEHICLE
            total += line.amount
            decision.step(RULE, f"Included: {label}", line.amount, kind=line.kind.value)
        elif line.kind is PriceLineKind.DISCOUNT:
            total -= line.amount
            decision.step(RULE, f"Discount subtracted: {label}", -line.amount, kind=line.kind.value)
        else:
            decision.step(
                RULE,
                f"Excluded ({_EXCLUSION_REASON[line.kind]}): {label}",
                ZERO,
                kind=line.kind.value,
                excluded_amount=line.amount,
            )
    if not has_vehicle:
        raise DomainError(
            ErrorCode.REQUIRED, "the invoice has no vehicle price line", RULE, "lines"
        )
    if total < 0:
        raise DomainError(
            ErrorCode.INVALID, "discounts exceed the price of the vehicle", RULE, "lines"
        )
    price = round_money(total)
    decision.amounts["purchase_price"] = price
    decision.step(RULE, "Purchase price (GAP-DEF-PRICE)", price)
    return decision
