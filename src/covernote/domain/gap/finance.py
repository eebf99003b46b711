"""Outstanding finance balance from the lender's statement lines (GAP-DEF-OFB).

The settlement (``settlement.gap_benefit``) takes OFB as a figure; the wording says
what is *not* part of it, so the lender's settlement statement is given as typed
lines and the balance derived here: the balance for the insured vehicle counts;
amounts carried over from a previous agreement, credit protection insurance, fees,
additional interest, arrears and any other amount not for the insured vehicle are
left out. Each line is a step of the Decision. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, round_money

RULE = "GAP-DEF-OFB"

INCLUDED: dict[str, str] = {"vehicle_balance": "Balance for the insured vehicle"}
EXCLUDED: dict[str, str] = {
    "carried_over": "amounts carried over from a previous agreement",
    "credit_protection": "credit protection insurance",
    "fees": "credit facility, title or documentation fees",
    "additional_interest": "additional interest charges",
    "arrears": "arrears",
    "other_not_vehicle": "another amount not for the insured vehicle",
}
KINDS: dict[str, str] = {**INCLUDED, **EXCLUDED}


def outstanding_finance_balance(lines: Iterable[tuple[str, Decimal]]) -> Decision:
    """GAP-DEF-OFB: outcome ``"outstanding_finance"``, ``amounts["outstanding_finance"]``.

    Refuses an unknown line kind or a negative amount (``invalid``, field
    ``finance_lines[i].kind`` / ``.amount``).
    """
    d = Decision(outcome="outstanding_finance")
    total = ZERO
    for i, (kind, amount) in enumerate(lines):
        if kind not in KINDS:
            raise DomainError(
                ErrorCode.INVALID, f"unknown line kind {kind!r}", RULE, f"finance_lines[{i}].kind"
            )
        if amount < 0:
            raise DomainError(
                ErrorCode.INVALID,
                "amounts must not be negative",
                RULE,
                f"finance_lines[{i}].amount",
            )
        if kind in INCLUDED:
            total += amount
            d.step(RULE, f"Included: {INCLUDED[kind]}", amount, kind=kind)
        else:
            d.step(RULE, f"Excluded ({EXCLUDED[kind]})", ZERO, kind=kind, excluded_amount=amount)
    total = round_money(total)
    d.amounts["outstanding_finance"] = total
    d.step(RULE, "Outstanding finance balance (GAP-DEF-OFB)", total)
    return d
