"""Mid-term adjustments and renewal (YD-FEE-MTA, YD-FEE-COV-KEEP, YD-FEE-COV-NEW, YD-FEE-REN).

Seed 001: each change fee is "in addition to any premium adjustment generated
when the change is processed". The premium adjustment is pro rata by day on the
annual premiums: ``round((new − old) × remaining days ÷ term days)`` with
``remaining = (end − effective).days + 1`` (the change applies from
``effective`` inclusive). A negative adjustment is a refund; the fee is still
charged. These changes are outside the driving-review cap (YD-REVIEW-3).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from covernote.domain.calendar import term_days
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import format_money, round_money
from covernote.domain.young_driver.params import YoungDriverParams


class AdjustmentKind(StrEnum):
    MID_TERM_ADJUSTMENT = "mid_term_adjustment"  # YD-FEE-MTA
    VEHICLE_CHANGE_KEEP_BOX = "vehicle_change_keep_box"  # YD-FEE-COV-KEEP
    VEHICLE_CHANGE_NEW_BOX = "vehicle_change_new_box"  # YD-FEE-COV-NEW


_FEE_RULE = {
    AdjustmentKind.MID_TERM_ADJUSTMENT: "YD-FEE-MTA",
    AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX: "YD-FEE-COV-KEEP",
    AdjustmentKind.VEHICLE_CHANGE_NEW_BOX: "YD-FEE-COV-NEW",
}


def adjustment_fee(kind: AdjustmentKind, params: YoungDriverParams) -> Decimal:
    fees = params.fees
    return {
        AdjustmentKind.MID_TERM_ADJUSTMENT: fees.mid_term_adjustment,
        AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX: fees.vehicle_change_keep_box,
        AdjustmentKind.VEHICLE_CHANGE_NEW_BOX: fees.vehicle_change_new_box,
    }[kind]


def pro_rata_difference(
    old_annual: Decimal, new_annual: Decimal, start: date, end: date, effective: date
) -> tuple[Decimal, int, int]:
    """``round((new − old) × remaining ÷ term)``, remaining counted from ``effective`` inclusive."""
    term = term_days(start, end)
    if not start <= effective <= end:
        raise DomainError(
            ErrorCode.INVALID,
            "the effective date must fall within the term",
            "YD-FEE-MTA",
            "effective",
        )
    remaining = (end - effective).days + 1
    return round_money((new_annual - old_annual) * remaining / term), remaining, term


def mid_term_adjustment(
    *,
    kind: AdjustmentKind,
    old_annual: Decimal,
    new_annual: Decimal,
    start: date,
    end: date,
    effective: date,
    params: YoungDriverParams,
) -> Decision:
    """Premium adjustment plus the change fee (YD-FEE-MTA / YD-FEE-COV-KEEP / YD-FEE-COV-NEW).

    Amounts: ``premium_adjustment`` (negative = refund), ``fee`` and ``total``.
    """
    for name, value in (("old_annual", old_annual), ("new_annual", new_annual)):
        if value < 0:
            raise DomainError(ErrorCode.INVALID, f"{name} must not be negative", "G1", name)
    rule = _FEE_RULE[kind]
    d = Decision(outcome="adjustment")
    adjustment, remaining, term = pro_rata_difference(old_annual, new_annual, start, end, effective)
    d.step(
        rule,
        f"Premium adjustment: (£{format_money(new_annual)} − £{format_money(old_annual)})"
        f" × {remaining} ÷ {term} days",
        adjustment,
        remaining_days=remaining,
        term_days=term,
        effective=effective,
    )
    fee = adjustment_fee(kind, params)
    d.step(rule, f"Fee for the change ({kind.value.replace('_', ' ')}), no IPT", fee)
    total = adjustment + fee
    d.step(rule, "Total: premium adjustment + fee (negative = owed to the customer)", total)
    if kind is not AdjustmentKind.MID_TERM_ADJUSTMENT:
        d.step(
            "YD-BOX-VEHICLE",
            "Change of vehicle: the 14-day Smartbox installation clock restarts",
            value=effective,
        )
    d.step("YD-REVIEW-3", "Non-driving change: tracked outside the driving-review cap")
    d.amounts.update(premium_adjustment=adjustment, fee=fee, total=total)
    return d


def renewal_charge(renewal_premium: Decimal, params: YoungDriverParams) -> Decision:
    """Renewal: the renewal premium (gross) plus the renewal fee (YD-FEE-REN).

    The renewal premium becomes the YD-REVIEW-3 cap base for the new term.
    """
    if renewal_premium < 0:
        raise DomainError(
            ErrorCode.INVALID, "renewal_premium must not be negative", "G1", "renewal_premium"
        )
    d = Decision(outcome="renewal")
    premium = round_money(renewal_premium)
    d.step("YD-FEE-REN", "Renewal premium (also the cap base for driving reviews)", premium)
    fee = params.fees.renewal
    d.step("YD-FEE-REN", "Renewal fee, no IPT", fee)
    d.step("YD-FEE-REN", "Total at renewal", premium + fee)
    d.amounts.update(premium=premium, fee=fee, total=premium + fee)
    return d
